import type { AxiosInstance } from 'axios';
import { DingTalkApiError } from '../../errors';
import { networkReason } from '../../http/network-reason';
import { asRecord } from '../../validation/as-record';
import { connectionOutcome, statusReason } from './dingtalk-http';
import type { MarkdownContent } from './openapi-client';
import { isAllowedWebhook, type WebhookHostList } from './webhook-hosts';

/**
 * The callback's `sessionWebhook`: a temporary reply URL that needs no access token and is the only way to @-mention
 * in markdown. It expires (`sessionWebhookExpiredTime`, ~90 min after the message), and DingTalk reports most failures
 * as HTTP 200 with a non-zero `errcode`, so both are checked. The URL carries a session token: it never goes into an
 * error message or a log field. Facts: docs/dingtalk.md §4a. It is posted only to a listed DingTalk host
 * (DINGTALK_WEBHOOK_HOSTS) and redirects are not followed: a forged callback must not carry a conversation elsewhere.
 */
export interface SessionWebhook {
  url: string;
  /** `sessionWebhookExpiredTime` (epoch ms), when the callback carried it. */
  expiresAt?: number | undefined;
}

export interface SessionWebhookSender {
  /** True when the webhook will have expired before a send could reach DingTalk. */
  isExpired(webhook: SessionWebhook): boolean;
  /**
   * Posts one markdown message; throws DingTalkApiError unless DingTalk says errcode 0: with `apiCode` = errcode when
   * DingTalk refused, a `local.*` apiCode when it was refused before sending, `connection` when no answer came.
   */
  send(webhook: SessionWebhook, content: MarkdownContent, atUserIds?: readonly string[]): Promise<void>;
}

export interface SessionWebhookSenderOptions {
  http: AxiosInstance;
  /** The hosts a webhook may point at; any other is refused before a byte is sent. */
  allowedHosts: WebhookHostList;
  now?: () => number;
  /** Treat the webhook as expired this long before its expiry time, to cover the request's own duration. */
  expiryMarginMs?: number;
}

const DEFAULT_EXPIRY_MARGIN_MS = 30_000;

/** Our own codes (not DingTalk's) for a webhook refused before a byte was sent. */
export const WEBHOOK_HOST_REFUSED = 'local.webhookHostRefused';
export const WEBHOOK_EXPIRED = 'local.webhookExpired';

export function createSessionWebhookSender(options: SessionWebhookSenderOptions): SessionWebhookSender {
  const now = options.now ?? Date.now;
  const margin = options.expiryMarginMs ?? DEFAULT_EXPIRY_MARGIN_MS;
  const isExpired = (webhook: SessionWebhook): boolean =>
    webhook.expiresAt !== undefined && webhook.expiresAt - margin <= now();

  return {
    isExpired,
    async send(webhook, content, atUserIds = []) {
      if (!isAllowedWebhook(webhook.url, options.allowedHosts)) {
        throw new DingTalkApiError('session webhook host is not allowed', undefined, WEBHOOK_HOST_REFUSED);
      }
      if (isExpired(webhook)) throw new DingTalkApiError('session webhook has expired', undefined, WEBHOOK_EXPIRED);
      const body = {
        msgtype: 'markdown',
        markdown: { title: content.title, text: content.text },
        ...(atUserIds.length > 0 ? { at: { atUserIds: [...atUserIds], isAtAll: false } } : {}),
      };
      const response = await options.http
        .post(webhook.url, body, { validateStatus: () => true, maxRedirects: 0 })
        .catch((error: unknown) => {
          // The axios error is dropped: its config and request hold the webhook URL, which carries the session token.
          const connection = connectionOutcome(error);
          throw new DingTalkApiError(`session webhook failed: ${networkReason(error)}`, undefined, undefined, { connection });
        });
      const data = asRecord(response.data);
      const errcode = data['errcode'];
      if (response.status === 200 && (errcode === undefined || errcode === 0 || errcode === '0')) return;
      const apiCode = errcode === undefined ? undefined : String(errcode);
      const errmsg = typeof data['errmsg'] === 'string' ? `: ${data['errmsg'].slice(0, 200)}` : '';
      const status = statusReason(response.status);
      const reason = apiCode === undefined ? status : `${status}, errcode ${apiCode}`;
      throw new DingTalkApiError(`session webhook rejected (${reason})${errmsg}`, response.status, apiCode);
    },
  };
}
