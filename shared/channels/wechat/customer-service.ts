import { WechatApiError } from '../../errors';
import type { StableTokenProvider } from './stable-token';
import { STALE_TOKEN_ERRCODES } from './stable-token';
import { postWechatJson, type WechatHttpOptions } from './wechat-http';

/**
 * Sends one text through the customer-service message API (docs/wechat.md §7). A token WeChat calls stale is
 * dropped and fetched again once (WeChat refused that send, so nothing arrived); a second refusal is the caller's. A
 * send without an answer is never resent here: it may have arrived (the caller counts it as out).
 */
export interface CustomerServiceSender {
  sendText(openId: string, content: string): Promise<void>;
}

export function createCustomerServiceSender(options: WechatHttpOptions & { tokens: StableTokenProvider }): CustomerServiceSender {
  const send = async (openId: string, content: string, token: string) =>
    postWechatJson(options, `/cgi-bin/message/custom/send?access_token=${encodeURIComponent(token)}`, {
      touser: openId, msgtype: 'text', text: { content },
    }, { idempotent: false });
  return {
    async sendText(openId, content) {
      const token = await options.tokens.get();
      try {
        await send(openId, content, token);
      } catch (error) {
        if (!(error instanceof WechatApiError) || error.errcode === undefined || !STALE_TOKEN_ERRCODES.has(error.errcode)) throw error;
        options.tokens.invalidate(token);
        await send(openId, content, await options.tokens.get());
      }
    },
  };
}
