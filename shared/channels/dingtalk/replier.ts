import type { AxiosInstance } from 'axios';
import type { ReplyOptions, ReplyResult as ChannelReplyResult } from '../channel';
import { DeliveryError, DingTalkApiError } from '../../errors';
import type { Logger } from '../../logging/logger';
import type { AccessTokenProvider } from './access-token';
import type { CallMeter } from './call-meter';
import { classifyFailedSend, type FailedSend } from './delivery-outcome';
import { createOpenApiClient, NO_STAFF_ID, type MarkdownContent } from './openapi-client';
import { type DingTalkMessage, isGroup } from './schema';
import { createSessionWebhookSender } from './session-webhook';
import type { WebhookHostList } from './webhook-hosts';
import { partsToSkip, reserve, summarizeTitle } from './reply-parts';
import { type SplitMarkdownOptions, splitMarkdown } from './split-markdown';

/**
 * Delivers one answer to the chat it came from, as one or more markdown messages in order. The session webhook is
 * tried first (no token, can @-mention); once it has expired or certainly failed, this part and every later one go
 * through the robot OpenAPI, so the user never sees a part out of order. A part whose request may have reached
 * DingTalk without a usable answer is never sent again by either path: the next part goes on by the same path.
 * The rule: docs/dingtalk.md, "Delivery when the outcome is unknown"; facts: docs/dingtalk.md §4.
 */
export type ReplyPath = 'webhook' | 'openapi';

/** The port's result (shared/channels/channel.ts), and how each part went. */
export interface ReplyResult extends ChannelReplyResult {
  /** The path of each part sent now, in order. */
  via: ReplyPath[];
  /** How many of those may or may not have reached the chat (sent, but no usable answer came). */
  uncertain: number;
}

export type { ReplyOptions } from '../channel';

export interface Replier {
  /**
   * Throws DeliveryError, saying how many parts went out and whether a retry could help, when a part certainly
   * reached the chat by neither path.
   */
  reply(message: DingTalkMessage, text: string, options?: DingTalkReplyOptions): Promise<ReplyResult>;
}

/** The port's options, and the turn's meter: OpenAPI sends count on it, the session webhook does not (call-meter.ts). */
export interface DingTalkReplyOptions extends ReplyOptions {
  meter?: CallMeter;
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

export { summarizeTitle } from './reply-parts';

export function createReplier(options: ReplierOptions): Replier {
  const { logger } = options;
  const webhook = createSessionWebhookSender({
    http: options.http,
    allowedHosts: options.webhookHosts,
    ...(options.now ? { now: options.now } : {}),
    ...(options.webhookExpiryMarginMs === undefined ? {} : { expiryMarginMs: options.webhookExpiryMarginMs }),
  });
  const openApi = createOpenApiClient({ http: options.http, apiBase: options.apiBase, tokens: options.tokens });

  const sendViaOpenApi = (message: DingTalkMessage, content: MarkdownContent, meter: CallMeter | undefined): Promise<void> => {
    const robotCode = { robotCode: message.robotCode ?? options.appKey, ...(meter ? { meter } : {}) };
    if (isGroup(message)) return openApi.sendToGroup({ ...robotCode, conversationId: message.conversationId, ...content });
    if (!message.senderStaffId) {
      return Promise.reject(new DingTalkApiError('1:1 chat without senderStaffId cannot use the OpenAPI', undefined, NO_STAFF_ID));
    }
    return openApi.sendToUser({ ...robotCode, userId: message.senderStaffId, ...content });
  };

  return {
    async reply(message, text, replyOptions = {}) {
      // DingTalk renders an @mention only when the text contains "@<userId>", so the first group part carries one.
      const mentioned = isGroup(message) ? message.senderStaffId : undefined;
      const mention = mentioned ? `@${mentioned}\n\n` : '';
      const parts = splitMarkdown(text, reserve(options.split ?? {}, mention));
      const skipped = partsToSkip(replyOptions.skipParts, parts.length, logger);
      const session = { url: message.sessionWebhook, expiresAt: message.sessionWebhookExpiredTime };
      const result: ReplyResult = { parts: parts.length, skipped, via: [], uncertain: 0 };
      /** Set once the webhook is given up: whether it might work on a retry, which starts with it again. */
      let webhookGivenUp: { retryable: boolean } | undefined;
      if (parts.length === 0) logger.warn('reply has no visible text; nothing sent');

      const sent = (path: ReplyPath, outcome: 'delivered' | 'unknown', fields: Record<string, number>): void => {
        result.via.push(path);
        if (outcome === 'delivered') {
          logger.info('reply part sent', { ...fields, via: path });
          return;
        }
        result.uncertain += 1;
        logger.warn('reply part got no usable answer; it may have been delivered, so it is not sent again', { ...fields, via: path });
      };

      for (const [index, part] of parts.entries()) {
        if (index < skipped) continue;
        const fields = { part: index + 1, parts: parts.length };
        const content = { title: summarizeTitle(part), text: part };
        if (webhookGivenUp === undefined && webhook.isExpired(session)) {
          webhookGivenUp = { retryable: false };
          logger.warn('session webhook expired; sending through the OpenAPI', fields);
        }
        if (webhookGivenUp === undefined) {
          const at = index === 0 && mentioned ? [mentioned] : [];
          const failure = await attempt(() => webhook.send(session, at.length > 0 ? { ...content, text: mention + part } : content, at));
          if (failure === undefined || failure.outcome === 'unknown') {
            sent('webhook', failure ? 'unknown' : 'delivered', fields);
            continue;
          }
          webhookGivenUp = { retryable: failure.retryable };
          logger.warn('session webhook failed; sending this and later parts through the OpenAPI', { ...fields, error: failure.error });
        }
        const failure = await attempt(() => sendViaOpenApi(message, content, replyOptions.meter));
        if (failure === undefined || failure.outcome === 'unknown') {
          sent('openapi', failure ? 'unknown' : 'delivered', fields);
          continue;
        }
        const reason = failure.error instanceof Error ? failure.error.message : String(failure.error);
        const retryable = failure.retryable || (webhookGivenUp?.retryable ?? false);
        logger.error('reply part could not be delivered', { ...fields, delivered: index, retryable, error: failure.error });
        const uncertain = result.uncertain > 0 ? ` (${result.uncertain} of them without an answer)` : '';
        const summary = `delivered ${index} of ${parts.length} reply parts${uncertain}; part ${index + 1} failed: ${reason}`;
        throw new DeliveryError(summary, { cause: failure.error, deliveredParts: index, retryable });
      }
      return result;
    },
  };
}

type Attempt = FailedSend & { error: unknown };

/** Runs one send: undefined when DingTalk confirmed it, else what the failure means for the part. */
async function attempt(send: () => Promise<void>): Promise<Attempt | undefined> {
  try {
    await send();
    return undefined;
  } catch (error) {
    return { ...classifyFailedSend(error), error };
  }
}
