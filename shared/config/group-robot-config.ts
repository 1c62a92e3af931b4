import { ConfigError } from '../errors';
import { optionalString, type Env } from './env';
import { normalizePrefix } from './oss-config';

/**
 * The group-robot channel's own settings. The robots and jobs themselves live in the channels config object in the
 * bucket (shared/channels/group-robot/channels-config.ts): webhook tokens and signing secrets are secrets, and the
 * lists outgrow Function Compute's 4 KB of variables.
 */
export const DEFAULT_CHANNELS_CONFIG_KEY = 'config/channels.json';

/** CHANNELS_CONFIG_KEY (callback and worker): the object's key in OSS_BUCKET. */
export function channelsConfigKey(env: Env): string {
  const key = optionalString(env, 'CHANNELS_CONFIG_KEY', DEFAULT_CHANNELS_CONFIG_KEY);
  // OSS keys are 1–1023 bytes and may not start with '/'; '..' segments would only confuse a local bucket.
  if (key.startsWith('/') || key.endsWith('/') || Buffer.byteLength(key) > 1023 || key.split('/').includes('..')) {
    throw new ConfigError('CHANNELS_CONFIG_KEY', {
      en: 'must be an object key such as config/channels.json (no leading or trailing /, no ..)',
      zh: '应为对象路径，例如 config/channels.json（不以 / 开头或结尾，不含 ..）',
    });
  }
  return key;
}

/** PUSH_TOKEN (callback, secret): the bearer token of POST /push; unset, the push endpoint is off (404). */
export function pushToken(env: Env): string | undefined {
  const token = optionalString(env, 'PUSH_TOKEN');
  if (token !== undefined && !/^[\x21-\x7e]{16,256}$/.test(token)) {
    throw new ConfigError('PUSH_TOKEN', {
      en: 'must be 16 to 256 printable ASCII characters without spaces (for example: openssl rand -hex 32)',
      zh: '应为 16 到 256 个不含空格的可打印 ASCII 字符（可用 openssl rand -hex 32 生成）',
    });
  }
  return token;
}

/** ROBOT_SENDS_PREFIX (worker): where each robot's send window lives, one small object per robot and UTC day. */
export const DEFAULT_ROBOT_SENDS_PREFIX = 'dingtalk-llm/robot-sends/';

export interface GroupRobotCallbackSettings {
  pushToken: string | undefined;
  configKey: string;
}

export interface GroupRobotWorkerSettings {
  configKey: string;
  sendsPrefix: string;
}

export const groupRobotCallbackSettings = (env: Env): GroupRobotCallbackSettings => ({ pushToken: pushToken(env), configKey: channelsConfigKey(env) });

export const groupRobotWorkerSettings = (env: Env): GroupRobotWorkerSettings => ({
  configKey: channelsConfigKey(env),
  sendsPrefix: normalizePrefix(optionalString(env, 'ROBOT_SENDS_PREFIX', DEFAULT_ROBOT_SENDS_PREFIX)),
});
