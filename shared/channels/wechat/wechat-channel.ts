import type { Channel, ChannelTurn, InboundContent, InboundMessage } from '../channel';
import { DeliveryError } from '../../errors';
import type { Logger } from '../../logging/logger';
import { parseWith } from '../../validation/parse';
import type { AnswerStore } from './answer-store';
import { customerServiceReply, type CustomerServiceSender } from './customer-service';
import type { UserEraser } from './forget-user';
import { PART_MAX_BYTES, plainText, splitByBytes } from './reply-text';
import { WechatMessageSchema, type WechatMessage } from './schema';
import { MORE_HINT_MAX_BYTES } from './user-texts';

/**
 * The worker's half of the WeChat channel. An answer goes out as plain text (WeChat shows no markdown) cut into parts
 * within WeChat's size limit (docs/wechat.md §5): a verified account sends them through the customer-service API, at
 * most five per user message (customer-service.ts); otherwise they are written to the answer store, where the callback serves them in
 * WeChat's own requests, one part per request, each leaving room for the 继续 hint.
 */
/** Passive mode's store holds the user's requests and answers; `forgetUser` deletes them when the user unfollows. */
export type WechatDelivery =
  | { mode: 'customer-service'; sender: CustomerServiceSender }
  | { mode: 'passive'; store: AnswerStore; forgetUser: UserEraser };

export function createWechatChannel(options: { delivery: WechatDelivery; logger: Logger }): Channel {
  return {
    name: 'wechat',
    open(input) {
      const message = parseWith(WechatMessageSchema, input);
      return options.delivery.mode === 'passive'
        ? passiveTurn(message, options.delivery.store, options.delivery.forgetUser)
        : customerServiceTurn(message, options.delivery.sender, options.logger);
    },
  };
}

export function toInboundMessage(message: WechatMessage): InboundMessage {
  return {
    channel: 'wechat',
    id: message.id,
    account: message.account,
    conversation: { id: message.user, group: false },
    sender: { id: message.user },
    content: contentOf(message),
  };
}

/** WeChat's type names, as the turn pipeline's texts name them (shared/turn/user-messages.ts). */
const UNSUPPORTED_NAMES: Readonly<Record<string, string>> = { image: 'picture', video: 'video', shortvideo: 'video', file: 'file' };

function contentOf(message: WechatMessage): InboundContent {
  if (message.kind === 'text') return { kind: 'input', text: message.text.trim(), images: [] };
  if (message.kind === 'voice') {
    const text = message.recognition?.trim();
    return text ? { kind: 'input', text, images: [] } : { kind: 'unsupported', type: 'audio' };
  }
  // On unsubscribe WeChat asks that all the user's information be deleted (docs/wechat.md §3).
  if (message.kind === 'event') return message.event === 'unsubscribe' ? { kind: 'forget' } : { kind: 'unsupported', type: 'event' };
  return { kind: 'unsupported', type: UNSUPPORTED_NAMES[message.msgType] ?? message.msgType };
}

function customerServiceTurn(message: WechatMessage, sender: CustomerServiceSender, logger: Logger): ChannelTurn {
  return { message: toInboundMessage(message), reply: customerServiceReply(message.user, sender, logger) };
}

function passiveTurn(message: WechatMessage, store: AnswerStore, forgetUser: UserEraser): ChannelTurn {
  let replies = 0;
  return {
    message: toInboundMessage(message),
    forgetSender: async () => {
      await forgetUser(message.account, message.user, message.createTime * 1000);
    },
    async reply(text) {
      const parts = splitByBytes(plainText(text), PART_MAX_BYTES - MORE_HINT_MAX_BYTES);
      try {
        await store.saveReply(message.account, message.id, replies, parts);
      } catch (error) {
        throw new DeliveryError('the answer could not be stored for WeChat to fetch', { cause: error, retryable: true });
      }
      replies += 1;
      return { parts: parts.length, skipped: 0 };
    },
  };
}
