import { ConfigError } from '../../errors';
import { dingtalkApp } from '../../config/dingtalk-config';
import { optionalString, type Env } from '../../config/env';
import type { RobotControls } from '../robot-controls';
import { mergeControls } from './merge-controls';
import type { ControlsFile, RobotSection } from './controls-schema';
import { controlsSetting } from './controls-setting';

/**
 * The robots of one deployment, resolved from the controls file and the environment (docs/controls.md §7): `dingtalk`
 * is the robot of DINGTALK_APP_KEY on `/`, `wechat` the Official Account, any other name an extra DingTalk robot on
 * its own path with its own app. Secrets stay in the environment: an extra robot names the variable that holds its.
 */
export interface ResolvedRobot {
  name: string;
  channel: 'dingtalk' | 'wechat';
  /** DingTalk robots: the callback's trigger path. */
  path?: string;
  appKey?: string;
  /** Undefined when the variable that holds it is unset or empty: then only this robot's callbacks are refused. */
  appSecret?: string;
  /** Extra robots: where the secret is read from, named in the log when it is missing. */
  appSecretVariable?: string;
  /** The card template this robot streams into; unset: the deployment's DINGTALK_CARD_TEMPLATE_ID (env robot only). */
  card?: { templateId: string; contentKey?: string };
  /** Its system prompt; unset: SYSTEM_PROMPT. */
  persona?: string;
  models?: { default?: string | undefined; allowed?: readonly string[] | undefined; vision?: readonly string[] | undefined };
  controls: RobotControls;
}

export const ENV_ROBOT = 'dingtalk';
export const WECHAT_ROBOT = 'wechat';
/** The custom group robots' channel (channels.json in the bucket) is no chat robot of this file; its name is kept apart. */
const NOT_ROBOT_NAMES = new Set(['group-robot', 'push']);
/** Paths other routes serve (docs/architecture.md). */
const TAKEN_PATHS = new Set(['/', '/wechat', '/push']);
/** Fields only an extra robot may set: the env robot's come from DINGTALK_APP_KEY / DINGTALK_APP_SECRET and `/`. */
const APP_FIELDS = ['path', 'appKey', 'appSecretVariable'] as const;
const DINGTALK_FIELDS = [...APP_FIELDS, 'cardTemplateId', 'cardContentKey', 'persona', 'models'] as const;

export function resolveRobots(file: ControlsFile | undefined, env: Env): ResolvedRobot[] {
  const sections = file?.robots ?? {};
  const controlsOf = (name: string) => mergeControls(file?.defaults, sections[name]);
  const robots: ResolvedRobot[] = [];
  const app = dingtalkApp(env);
  const own = sections[ENV_ROBOT];
  refuseFields(ENV_ROBOT, own, APP_FIELDS, 'is set by DINGTALK_APP_KEY / DINGTALK_APP_SECRET for this robot, on path /', '由 DINGTALK_APP_KEY / DINGTALK_APP_SECRET 决定，路径为 /，不能在此设置');
  if (app) robots.push({ name: ENV_ROBOT, channel: 'dingtalk', path: '/', ...app, ...chatFields(ENV_ROBOT, own), controls: controlsOf(ENV_ROBOT) });
  refuseFields(WECHAT_ROBOT, sections[WECHAT_ROBOT], DINGTALK_FIELDS, 'is a DingTalk setting: the WeChat robot takes controls only', '是钉钉机器人的设置：公众号只能设置访问与限额等控制项');
  robots.push({ name: WECHAT_ROBOT, channel: 'wechat', controls: controlsOf(WECHAT_ROBOT) });
  const paths = new Map<string, string>();
  // One app is one robot: its key names its FC tasks and message claims, so two robots must never share one.
  const appKeys = new Map<string, string>(app ? [[app.appKey, ENV_ROBOT]] : []);
  for (const [name, section] of Object.entries(sections)) {
    if (name === ENV_ROBOT || name === WECHAT_ROBOT) continue;
    if (NOT_ROBOT_NAMES.has(name)) {
      throw new ConfigError(controlsSetting(`robots.${name}`), { en: 'is a reserved name: choose another', zh: '是保留名称，请换一个机器人名称' });
    }
    const robot = extraRobot(name, section, env, paths, controlsOf(name));
    const owner = appKeys.get(section.appKey ?? '');
    if (owner !== undefined) {
      throw new ConfigError(controlsSetting(`robots.${name}.appKey`), {
        en: `must differ from robot ${owner}'s: each robot is an app of its own`,
        zh: `不能与机器人 ${owner} 的相同：每个机器人都是一个独立的钉钉应用`,
      });
    }
    appKeys.set(robot.appKey ?? '', name);
    robots.push(robot);
  }
  return robots;
}

function extraRobot(name: string, section: RobotSection, env: Env, paths: Map<string, string>, controls: RobotControls): ResolvedRobot {
  const field = (key: string) => controlsSetting(`robots.${name}.${key}`);
  if (section.appKey === undefined) throw new ConfigError(field('appKey'), { en: 'is required (the robot’s AppKey)', zh: '必须设置（该机器人的 AppKey）' });
  if (section.appSecretVariable === undefined) {
    throw new ConfigError(field('appSecretVariable'), {
      en: 'is required: the name of the environment variable that holds the robot’s AppSecret',
      zh: '必须设置：保存该机器人 AppSecret 的环境变量名',
    });
  }
  const path = section.path ?? `/dingtalk/${name}`;
  const other = paths.get(path);
  if (TAKEN_PATHS.has(path) || other !== undefined) {
    throw new ConfigError(field('path'), {
      en: `must differ from ${other ? `robot ${other}'s path` : 'the paths /, /wechat and /push'}`,
      zh: `不能与${other ? `机器人 ${other} 的路径` : ' /、/wechat、/push'}相同`,
    });
  }
  paths.set(path, name);
  const appSecret = optionalString(env, section.appSecretVariable);
  return {
    name,
    channel: 'dingtalk',
    path,
    appKey: section.appKey,
    ...(appSecret === undefined ? {} : { appSecret }),
    appSecretVariable: section.appSecretVariable,
    ...chatFields(name, section),
    controls,
  };
}

function chatFields(name: string, section: RobotSection | undefined): Pick<ResolvedRobot, 'card' | 'persona' | 'models'> {
  if (section === undefined) return {};
  if (section.cardContentKey !== undefined && section.cardTemplateId === undefined) {
    throw new ConfigError(controlsSetting(`robots.${name}.cardContentKey`), {
      en: 'is used only with cardTemplateId: set both',
      zh: '需与 cardTemplateId 一起设置',
    });
  }
  return {
    ...(section.cardTemplateId === undefined
      ? {}
      : { card: { templateId: section.cardTemplateId, ...(section.cardContentKey === undefined ? {} : { contentKey: section.cardContentKey }) } }),
    ...(section.persona === undefined ? {} : { persona: section.persona }),
    ...(section.models === undefined ? {} : { models: section.models }),
  };
}

function refuseFields(name: string, section: RobotSection | undefined, fields: readonly (keyof RobotSection)[], en: string, zh: string): void {
  const found = fields.find((key) => section?.[key] !== undefined);
  if (found !== undefined) throw new ConfigError(controlsSetting(`robots.${name}.${found}`), { en, zh });
}
