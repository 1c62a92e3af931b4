import { attemptText, localWechatPlatform } from '../wechat-platform';
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
      const platform = localWechatPlatform(env, `${triggerUrl}/wechat`, 'gh_playground_account', (request, outcome) => attempts.push(attemptText(request, outcome)));
      const delivery = await platform.send(`o-playground-${request.memberId}`, { type: 'text', content: request.text });
      return { ...(delivery.seen === undefined ? {} : { seen: delivery.seen }), ...(delivery.rejected ? { rejected: delivery.rejected } : {}), attempts };
    },
  };
}
