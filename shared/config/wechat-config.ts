import { ConfigError } from '../errors';
import { boolean, integer, optionalString, optionalUrl, requiredString, type Env } from './env';
import { helpCommands } from './command-settings';
import { normalizePrefix } from './oss-config';
import { appId, DEFAULT_PREFIX, encodingAesKey, token } from './wechat-fields';

/**
 * The WeChat Official Account channel's settings (docs/wechat.md). The channel is on when WECHAT_TOKEN is set (the
 * callback) or WECHAT_APP_ID is set (the worker, which never needs the token); each function reads only what it uses,
 * so the app secret stays out of the callback and the token and AES key out of the worker.
 */
export interface WechatCallbackConfig {
  token: string;
  appId: string;
  /** Set for safe mode (messages encrypted); unset for plaintext mode. */
  encodingAesKey: string | undefined;
  customerService: boolean;
  prefix: string;
  /** The first of HELP_COMMANDS, named in the welcome. */
  helpCommand: string;
}

export interface WechatWorkerConfig {
  appId: string;
  /** Needed only for the customer-service API. */
  appSecret: string | undefined;
  apiBase: string;
  customerService: boolean;
  prefix: string;
}

export function loadWechatCallbackConfig(env: Env): Readonly<WechatCallbackConfig> | undefined {
  if (optionalString(env, 'WECHAT_TOKEN') === undefined) return undefined;
  return Object.freeze({
    token: token(env),
    appId: appId(env),
    encodingAesKey: encodingAesKey(env),
    customerService: boolean(env, 'WECHAT_CUSTOMER_SERVICE', false),
    prefix: normalizePrefix(optionalString(env, 'WECHAT_PREFIX', DEFAULT_PREFIX)),
    // Named in the welcome to new followers.
    helpCommand: helpCommands(env)[0] ?? '帮助',
  });
}

export function loadWechatWorkerConfig(env: Env): Readonly<WechatWorkerConfig> | undefined {
  if (optionalString(env, 'WECHAT_APP_ID') === undefined) return undefined;
  const customerService = boolean(env, 'WECHAT_CUSTOMER_SERVICE', false);
  return Object.freeze({
    appId: appId(env),
    appSecret: customerService ? requiredString(env, 'WECHAT_APP_SECRET') : optionalString(env, 'WECHAT_APP_SECRET'),
    apiBase: optionalUrl(env, 'WECHAT_API_BASE', 'https://api.weixin.qq.com') ?? 'https://api.weixin.qq.com',
    customerService,
    prefix: normalizePrefix(optionalString(env, 'WECHAT_PREFIX', DEFAULT_PREFIX)),
  });
}

/**
 * What a WeChat request can still be answered with while some other setting is malformed: the token (to check the
 * signature) and, in safe mode, the key and AppID (to open the message and seal the reply). Undefined when WeChat is
 * off, or when one of these is itself the broken one: then no reply can be trusted or read, and the request gets 503.
 */
export function wechatNoticeSettings(env: Env): { token: string; appId: string; encodingAesKey: string | undefined } | undefined {
  if (optionalString(env, 'WECHAT_TOKEN') === undefined) return undefined;
  try {
    const key = encodingAesKey(env);
    return { token: token(env), appId: key === undefined ? '' : appId(env), encodingAesKey: key };
  } catch (error) {
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
}

/**
 * Where the misconfigured worker can still leave a WeChat user a notice: the passive answer store, which the callback
 * serves in WeChat's next request. Undefined in customer-service mode (the callback does not wait for the store) or
 * when the WeChat settings that place the store are themselves malformed.
 */
export function wechatPassiveNoticePrefix(env: Env): string | undefined {
  if (optionalString(env, 'WECHAT_APP_ID') === undefined) return undefined;
  try {
    return boolean(env, 'WECHAT_CUSTOMER_SERVICE', false) ? undefined : normalizePrefix(optionalString(env, 'WECHAT_PREFIX', DEFAULT_PREFIX));
  } catch (error) {
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
}

/**
 * Local stack only: how long the local WeChat stand-in waits for a reply before it asks again (WeChat: 5000 ms), so
 * the passive timing can be scaled down for tests. Ignored outside the local stack.
 */
export function localWechatWaitMs(env: Env): number | undefined {
  if (env['LOCAL_STACK'] !== 'true' || optionalString(env, 'LOCAL_WECHAT_WAIT_MS') === undefined) return undefined;
  return integer(env, 'LOCAL_WECHAT_WAIT_MS', 5000, { min: 200, max: 5000 });
}
