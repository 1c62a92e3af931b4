import { ConfigError } from '../errors';
import { optionalString, requiredString, type Env } from './env';

/**
 * The DingTalk robot's app: on when DINGTALK_APP_KEY is set, and then its secret is required. A deployment that
 * serves only a WeChat Official Account, or only group robots, leaves both unset (an empty value is unset).
 */
export interface DingTalkApp {
  appKey: string;
  appSecret: string;
}

export const dingtalkIsOn = (env: Env): boolean => optionalString(env, 'DINGTALK_APP_KEY') !== undefined;

export function dingtalkApp(env: Env): DingTalkApp | undefined {
  if (!dingtalkIsOn(env)) {
    // A secret without its key is a half-done DingTalk setup, not a deployment without DingTalk.
    if (optionalString(env, 'DINGTALK_APP_SECRET') !== undefined) {
      throw new ConfigError('DINGTALK_APP_KEY', { en: 'is required when DINGTALK_APP_SECRET is set', zh: '在设置了 DINGTALK_APP_SECRET 时必须设置' });
    }
    return undefined;
  }
  return { appKey: requiredString(env, 'DINGTALK_APP_KEY'), appSecret: requiredString(env, 'DINGTALK_APP_SECRET') };
}

/**
 * The callback serves nothing without a chat channel or the push endpoint: its HTTP trigger would answer 404 to
 * everything. DingTalk is named, as the channel most deployments mean. Robots of the controls file count
 * (`extraRobots`): a deployment may serve named robots only, without DINGTALK_APP_KEY.
 */
export function requireSomeCallbackChannel(env: Env, dingtalk: DingTalkApp | undefined, pushToken: string | undefined, extraRobots = 0): void {
  if (dingtalk !== undefined || extraRobots > 0 || pushToken !== undefined || optionalString(env, 'WECHAT_TOKEN') !== undefined) return;
  throw new ConfigError('DINGTALK_APP_KEY', {
    en: 'is required unless WECHAT_TOKEN (a WeChat Official Account), PUSH_TOKEN (the push endpoint) or a robot in controls.json is set',
    zh: '必须设置（钉钉机器人），除非已设置 WECHAT_TOKEN（微信公众号）、PUSH_TOKEN（推送接口）或 controls.json 中的机器人',
  });
}
