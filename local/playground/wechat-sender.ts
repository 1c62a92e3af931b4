import { createFakeWechatPlatform } from '../wechat-platform';
import type { WechatSendRequest, WechatSendResult } from './playground-api';

/**
 * The playground's WeChat Official Account view: each message goes to the local /wechat route exactly as WeChat
 * sends it (signed, sealed in safe mode, dropped after WeChat's wait and sent again, three requests in all:
 * docs/wechat.md), and the page sees what the WeChat user would. Each member has an openid of their own.
 */
export function createWechatSender(triggerUrl: string, env: Readonly<Record<string, string>>) {
  return {
    async send(request: WechatSendRequest): Promise<WechatSendResult> {
      const attempts: string[] = [];
      const encodingAesKey = env['WECHAT_ENCODING_AES_KEY'];
      const platform = createFakeWechatPlatform({
        url: `${triggerUrl}/wechat`,
        token: env['WECHAT_TOKEN'] ?? '',
        appId: env['WECHAT_APP_ID'] ?? '',
        account: 'gh_playground_account',
        ...(encodingAesKey ? { encodingAesKey } : {}),
        timeoutMs: Number(env['LOCAL_WECHAT_WAIT_MS'] ?? 5000),
        onAttempt: (attempt, outcome) =>
          attempts.push(outcome === 'dropped' ? `第 ${attempt} 次请求：微信等待超时，断开后重发` : `第 ${attempt} 次请求：HTTP ${outcome}`),
      });
      const delivery = await platform.send(`o-playground-${request.memberId}`, { type: 'text', content: request.text });
      return { ...(delivery.seen === undefined ? {} : { seen: delivery.seen }), ...(delivery.rejected ? { rejected: delivery.rejected } : {}), attempts };
    },
  };
}
