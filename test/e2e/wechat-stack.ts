import { createFakeWechatPlatform, type PlatformOptions } from '../../local/wechat-platform';
import { startFakeWechatApi } from '../helpers/fake-wechat';
import { WECHAT } from '../helpers/wechat-rig';
import { startE2eStack } from './e2e-stack';

/**
 * The local stack with the WeChat channel on: the fake WeChat platform posts to `<stack>/wechat` and the fake WeChat
 * API stands at WECHAT_API_BASE. The local-only LOCAL_WECHAT_WAIT_MS scales WeChat's 5 s per request down to
 * WAIT_MS, for the route and the platform alike, so a test of WeChat's three requests takes seconds, not 15.
 */
export const WAIT_MS = 1000;
export const WECHAT_PREFIX = 'dingtalk-llm/wechat/';

export async function startWechatE2e(options: { env?: Record<string, string>; safeMode?: boolean; customerService?: boolean; dingtalk?: false; controls?: unknown } = {}) {
  const api = await startFakeWechatApi({ appId: WECHAT.appId, appSecret: WECHAT.appSecret });
  const e2e = await startE2eStack({
    workerTimeoutSeconds: 15,
    ...(options.dingtalk === false ? { dingtalk: false as const } : {}),
    ...(options.controls === undefined ? {} : { controls: options.controls }),
    env: {
      WECHAT_TOKEN: WECHAT.token,
      WECHAT_APP_ID: WECHAT.appId,
      WECHAT_API_BASE: api.url,
      LOCAL_WECHAT_WAIT_MS: String(WAIT_MS),
      // Longer than WeChat's three requests, so a model slower than all of them still answers.
      OPENAI_TIMEOUT_MS: '10000',
      ...(options.safeMode ? { WECHAT_ENCODING_AES_KEY: WECHAT.encodingAesKey } : {}),
      ...(options.customerService ? { WECHAT_CUSTOMER_SERVICE: 'true', WECHAT_APP_SECRET: WECHAT.appSecret } : {}),
      ...options.env,
    },
  });
  const platform = (overrides: Partial<PlatformOptions> = {}) =>
    createFakeWechatPlatform({
      url: `${e2e.stack.url}/wechat`, token: WECHAT.token, appId: WECHAT.appId, account: WECHAT.account, timeoutMs: WAIT_MS,
      ...(options.safeMode ? { encodingAesKey: WECHAT.encodingAesKey } : {}),
      ...overrides,
    });
  /** OSS requests that changed something (PUT, POST: puts and appends). */
  const ossWrites = () => e2e.stack.oss.requests.filter((request) => request.method !== 'GET' && request.method !== 'HEAD');
  return {
    e2e, api, platform, ossWrites,
    async close() {
      await e2e.close();
      await api.close();
    },
  };
}

export type WechatE2e = Awaited<ReturnType<typeof startWechatE2e>>;

export const waitFor = async (condition: () => boolean, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};
