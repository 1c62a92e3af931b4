import type { AxiosInstance } from 'axios';
import { DeliveryError } from '../errors';
import type { Logger } from '../logging/logger';
import type { AccessTokenProvider } from './access-token';
import { createOpenApiClient, type MarkdownContent } from './openapi-client';
import { type DingTalkMessage, isGroup } from './schema';
import { createSessionWebhookSender } from './session-webhook';
import type { WebhookHostList } from './webhook-hosts';
import { DEFAULT_SPLIT_LIMITS, type SplitMarkdownOptions, splitMarkdown } from './split-markdown';

/**
 * Delivers one answer to the chat it came from, as one or more markdown messages in order. The session webhook is
 * tried first (no token, can @-mention); once it has expired or failed, this part and every later one go through the
 * robot OpenAPI, so the user never sees a part twice or out of order. Facts: docs/dingtalk.md §4.
 */
export type ReplyPath = 'webhook' | 'openapi';

export interface ReplyResult {
  parts: number;
  via: ReplyPath[];
}

export interface Replier {
  /** Throws DeliveryError, saying how many parts went out, when a part can be sent by neither path. */
  reply(message: DingTalkMessage, text: string, options?: { skipParts?: number }): Promise<ReplyResult>;
}

export interface ReplierOptions {
  http: AxiosInstance;
  apiBase: string;
  /** The app's AppKey, which is the robotCode of an enterprise-internal robot when the callback lacks one. */
  appKey: string;
  tokens: AccessTokenProvider;
  /** DINGTALK_WEBHOOK_HOSTS: where a session webhook may point. */
  webhookHosts: WebhookHostList;
  logger: Logger;
  now?: () => number;
  split?: SplitMarkdownOptions;
  webhookExpiryMarginMs?: number;
}

const DEFAULT_TITLE = '回复';
const TITLE_LENGTH = 20;

export function createReplier(options: ReplierOptions): Replier {
  const { logger } = options;
  const webhook = createSessionWebhookSender({
    http: options.http,
    allowedHosts: options.webhookHosts,
    ...(options.now ? { now: options.now } : {}),
    ...(options.webhookExpiryMarginMs === undefined ? {} : { expiryMarginMs: options.webhookExpiryMarginMs }),
  });
  const openApi = createOpenApiClient({ http: options.http, apiBase: options.apiBase, tokens: options.tokens });

  const sendViaOpenApi = (message: DingTalkMessage, content: MarkdownContent): Promise<void> => {
    const robotCode = message.robotCode ?? options.appKey;
    if (isGroup(message)) return openApi.sendToGroup({ robotCode, conversationId: message.conversationId, ...content });
    if (!message.senderStaffId) {
      return Promise.reject(new Error('1:1 chat without senderStaffId cannot use the OpenAPI'));
    }
    return openApi.sendToUser({ robotCode, userId: message.senderStaffId, ...content });
  };

  return {
    async reply(message, text, replyOptions) {
      // DingTalk renders an @mention only when the text contains "@<userId>", so the first group part carries one.
      const mentioned = isGroup(message) ? message.senderStaffId : undefined;
      const mention = mentioned ? `@${mentioned}\n\n` : '';
      const parts = splitMarkdown(text, reserve(options.split ?? {}, mention));
      const session = { url: message.sessionWebhook, expiresAt: message.sessionWebhookExpiredTime };
      const via: ReplyPath[] = [];
      let webhookUsable = true;
      if (parts.length === 0) logger.warn('reply has no visible text; nothing sent');

      for (const [index, part] of parts.entries()) {
        // Parts an earlier attempt delivered: splitting is deterministic, so the same text splits the same way.
        if (index < (replyOptions?.skipParts ?? 0)) continue;
        const fields = { part: index + 1, parts: parts.length };
        const content = { title: summarizeTitle(part), text: part };
        if (webhookUsable && webhook.isExpired(session)) {
          webhookUsable = false;
          logger.warn('session webhook expired; sending through the OpenAPI', fields);
        }
        if (webhookUsable) {
          const at = index === 0 && mentioned ? [mentioned] : [];
          try {
            await webhook.send(session, at.length > 0 ? { ...content, text: mention + part } : content, at);
            via.push('webhook');
            logger.info('reply part sent', { ...fields, via: 'webhook' });
            continue;
          } catch (error) {
            webhookUsable = false;
            const reason = 'session webhook failed; sending this and later parts through the OpenAPI';
            logger.warn(reason, { ...fields, error });
          }
        }
        try {
          await sendViaOpenApi(message, content);
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          logger.error('reply part could not be delivered', { ...fields, delivered: index, error });
          const summary = `delivered ${index} of ${parts.length} reply parts; part ${index + 1} failed: ${reason}`;
          throw new DeliveryError(summary, { cause: error });
        }
        via.push('openapi');
        logger.info('reply part sent', { ...fields, via: 'openapi' });
      }
      return { parts: parts.length, via };
    },
  };
}

/** A one-line plain-text summary of a part for the chat list and notification, where markdown is not rendered. */
export function summarizeTitle(markdown: string, fallback = DEFAULT_TITLE): string {
  for (const line of markdown.split('\n')) {
    if (/^\s*(`{3,}|~{3,})/.test(line)) continue;
    const plain = line
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]*>/g, '')
      .replace(/^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)+/, '')
      .replace(/\*\*|__|~~|[`*]/g, '')
      .replace(/\|/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    if (!/[\p{L}\p{N}]/u.test(plain)) continue;
    const chars = Array.from(plain);
    return chars.length <= TITLE_LENGTH ? plain : `${chars.slice(0, TITLE_LENGTH - 1).join('')}…`;
  }
  return fallback;
}

/** Leaves room in every part for the mention that the first one will carry. */
function reserve(split: SplitMarkdownOptions, prefix: string): SplitMarkdownOptions {
  if (prefix === '') return split;
  return {
    maxChars: (split.maxChars ?? DEFAULT_SPLIT_LIMITS.maxChars) - prefix.length,
    maxBytes: (split.maxBytes ?? DEFAULT_SPLIT_LIMITS.maxBytes) - Buffer.byteLength(prefix),
  };
}
