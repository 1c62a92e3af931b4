import { parseWith } from '../../validation/parse';
import type { NoticeChannel } from '../../worker/misconfigured-worker';
import { DingTalkCallbackSchema } from './schema';
import type { SessionWebhookSender } from './session-webhook';

/**
 * DingTalk's way to tell a sender that the worker's settings are broken: the message's own session webhook, which
 * needs no access token, so it works whatever DingTalk setting is wrong.
 */
export function createDingTalkNoticeChannel(webhook: SessionWebhookSender): NoticeChannel {
  return {
    open(payload) {
      const message = parseWith(DingTalkCallbackSchema, payload);
      const session = { url: message.sessionWebhook, expiresAt: message.sessionWebhookExpiredTime };
      return { id: message.msgId, send: (notice) => webhook.send(session, notice) };
    },
  };
}
