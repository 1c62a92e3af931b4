import { parseWith } from '../../validation/parse';
import type { NoticeChannel } from '../../worker/misconfigured-worker';
import type { AnswerStore } from './answer-store';
import { WechatMessageSchema } from './schema';

/**
 * WeChat's way to tell a user that the worker's settings are broken, in passive mode: the notice is stored as the
 * message's answer, and the callback serves it in WeChat's next request, as it would any answer. It needs no token.
 */
export function createWechatNoticeChannel(store: AnswerStore): NoticeChannel {
  return {
    open(payload) {
      const message = parseWith(WechatMessageSchema, payload);
      return {
        id: message.id,
        async send(notice) {
          await store.saveReply(message.account, message.id, 0, [notice.text]);
        },
      };
    },
  };
}
