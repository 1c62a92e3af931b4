import type { ResolvedRobot } from '../controls/config/resolve-robots';
import { robotWorkerSettings } from '../controls/config/robot-settings';
import { DEFAULT_ROBOT_CONTROLS, type SensitiveSettings } from '../controls/robot-controls';
import { createSensitiveMatcher } from '../controls/sensitive/sensitive-matcher';
import type { SensitiveCheck } from '../controls/sensitive/sensitive-check';
import type { Logger } from '../logging/logger';
import type { CardSettings, WorkerSettings } from '../turn/turn-dependencies';
import type { ChannelSource, TurnStorage, WorkerRobot } from './create-worker-handler';
import { channelOf, robotOf, type WorkerEvent } from './worker-event';

/** A DingTalk robot whose secret is there: what its channel is built from. */
export type DingTalkRobotApp = ResolvedRobot & { appKey: string; appSecret: string };

export interface WorkerRobotsOptions<Storage extends TurnStorage> {
  robots: readonly ResolvedRobot[];
  /** The deployment's own settings, which each robot's section overrides. */
  settings: WorkerSettings;
  /** How cards stream, for a robot with a card template of its own. */
  cardCadence: CardSettings;
  /** Builds a DingTalk robot's channel (its own token cache and card client), once per robot and instance. */
  dingtalkChannel: (robot: DingTalkRobotApp) => ChannelSource<Storage>;
  logger: Logger;
}

/**
 * The worker's robots, made once per instance (createWorkerHandler's `robots`): each robot's settings, controls and
 * channel are built at its first event and kept, so its access-token cache and card gate outlive invocations as the
 * single robot's did. A DingTalk robot without its secret is named in the log at start and its events are dropped
 * (the callback refuses them anyway); the custom group robots' events keep the deployment's settings.
 */
export function createWorkerRobots<Storage extends TurnStorage>(options: WorkerRobotsOptions<Storage>) {
  const built = new Map<string, WorkerRobot<Storage> | undefined>();
  for (const robot of options.robots) {
    if (robot.channel === 'dingtalk' && robot.appSecret === undefined) {
      options.logger.error('robot is off: its secret variable is unset or empty', { robot: robot.name, variable: robot.appSecretVariable });
    }
  }

  function build(channel: string, name: string): WorkerRobot<Storage> | undefined {
    const robot = options.robots.find((one) => one.name === name && one.channel === channel);
    if (channel !== 'dingtalk' && channel !== 'wechat') {
      return name === channel ? { name, settings: options.settings, controls: DEFAULT_ROBOT_CONTROLS, uncontrolled: true } : undefined;
    }
    if (robot === undefined) return undefined;
    const sensitive = sensitiveCheck(robot.controls.sensitive);
    // The Official Account takes controls only: its settings and history keys stay the deployment's.
    if (channel === 'wechat') return { name, settings: options.settings, controls: robot.controls, ...sensitive };
    const settings = robotWorkerSettings(options.settings, robot, options.cardCadence);
    if (robot.appKey === undefined || robot.appSecret === undefined) return undefined;
    const app = { ...robot, appKey: robot.appKey, appSecret: robot.appSecret };
    return { name, settings, controls: robot.controls, channel: options.dingtalkChannel(app), ...sensitive };
  }

  return (envelope: WorkerEvent): WorkerRobot<Storage> | undefined => {
    const channel = channelOf(envelope);
    const name = robotOf(envelope);
    const key = `${channel}\n${name}`;
    if (!built.has(key)) built.set(key, build(channel, name));
    return built.get(key);
  };
}

/** Built once per robot and instance: the matcher folds the word list into its trie (docs/controls.md §4). */
function sensitiveCheck(settings: SensitiveSettings): { sensitive?: SensitiveCheck } {
  if (settings.words.length === 0) return {};
  return { sensitive: { matcher: createSensitiveMatcher(settings.words), input: settings.input, output: settings.output } };
}
