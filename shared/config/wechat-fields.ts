import { ConfigError } from '../errors';
import { optionalString, requiredString, type Env } from './env';

/** The WeChat settings' formats, shared by the readers in wechat-config.ts (docs/wechat.md §1, §4). */
export const DEFAULT_PREFIX = 'dingtalk-llm/wechat/';

/**
 * The server-configuration token: WeChat allows 3–32 letters and digits; we ask for at least 8. A shorter token is
 * found by brute force from one signed query (SHA-1 over it, the timestamp and the nonce), and the logger does not mask secrets under 6 characters (masking so short a
 * string would also hide ordinary words), so it could reach the logs in the clear.
 */
export function token(env: Env): string {
  const value = requiredString(env, 'WECHAT_TOKEN');
  if (!/^[A-Za-z0-9]{8,32}$/.test(value)) {
    throw new ConfigError('WECHAT_TOKEN', {
      en: 'must be 8 to 32 letters or digits (WeChat allows 3, but a short token is easy to guess and is not masked in logs): use a long random one, e.g. 32 characters',
      zh: '应为 8 到 32 位英文字母或数字（微信允许 3 位起，但过短的 Token 容易被猜出，日志中也不会被遮盖）：请使用较长的随机字符串，例如 32 位',
    });
  }
  return value;
}

export function appId(env: Env): string {
  const value = requiredString(env, 'WECHAT_APP_ID');
  if (!/^wx[0-9a-f]{16}$/i.test(value)) {
    throw new ConfigError('WECHAT_APP_ID', { en: 'must be an AppID like wx0123456789abcdef', zh: '应为形如 wx0123456789abcdef 的 AppID' });
  }
  return value;
}

export function encodingAesKey(env: Env): string | undefined {
  const value = optionalString(env, 'WECHAT_ENCODING_AES_KEY');
  if (value !== undefined && !/^[A-Za-z0-9]{43}$/.test(value)) {
    throw new ConfigError('WECHAT_ENCODING_AES_KEY', { en: 'must be 43 letters or digits (EncodingAESKey)', zh: '应为 43 位英文字母或数字（EncodingAESKey）' });
  }
  return value;
}
