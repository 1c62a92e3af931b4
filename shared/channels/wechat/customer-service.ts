import type { ChannelTurn } from '../channel';
import { DeliveryError, WechatApiError } from '../../errors';
import type { Logger } from '../../logging/logger';
import { PART_MAX_BYTES, plainText, splitByBytes, utf8Bytes } from './reply-text';
import { classifySendFailure } from './send-failure';
import type { StableTokenProvider } from './stable-token';
import { STALE_TOKEN_ERRCODES } from './stable-token';
import { CUT_SHORT } from './user-texts';
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

export const CUSTOMER_SERVICE_MAX_MESSAGES = 5;

/**
 * The reply of one user message's turn: plain-text parts within WeChat's text limit, at most five over all its
 * replies (docs/wechat.md §7), counting those an earlier attempt sent (`skipParts`).
 */
export function customerServiceReply(openId: string, sender: CustomerServiceSender, logger: Logger): ChannelTurn['reply'] {
  let sent = 0;
  return async (text, options) => {
    const parts = customerServiceParts(plainText(text), CUSTOMER_SERVICE_MAX_MESSAGES - sent);
    const skipped = Math.min(options?.skipParts ?? 0, parts.length);
    // An earlier attempt sent them, and WeChat counted them against this user message's five.
    sent += skipped;
    for (let index = skipped; index < parts.length; index += 1) {
      try {
        await sender.sendText(openId, parts[index] ?? '');
        sent += 1;
      } catch (error) {
        const failure = classifySendFailure(error);
        // Unknown outcome: never sent again (docs/dingtalk.md "Delivery when the outcome is unknown"); it counts as
        // out, against WeChat's five too, and the answer goes on.
        if (failure.mayHaveArrived) {
          logger.warn('wechat customer-service part may have arrived; not sent again', { error, part: index + 1, parts: parts.length });
          sent += 1;
          continue;
        }
        if (failure.advice) logger.error('wechat customer-service send refused', { error, advice: failure.advice });
        throw new DeliveryError(`WeChat customer-service part ${index + 1}/${parts.length} failed`, { cause: error, deliveredParts: index, retryable: failure.retryable });
      }
    }
    return { parts: parts.length, skipped };
  };
}

/** At most `budget` parts; when the answer needs more, the last one is shortened to end with a note saying so. */
export function customerServiceParts(text: string, budget: number): string[] {
  if (budget <= 0) return [];
  const parts = splitByBytes(text, PART_MAX_BYTES);
  if (parts.length <= budget) return parts;
  const kept = parts.slice(0, budget);
  const last = splitByBytes(kept[budget - 1] ?? '', PART_MAX_BYTES - utf8Bytes(CUT_SHORT))[0] ?? '';
  kept[budget - 1] = `${last}${CUT_SHORT}`;
  return kept;
}
