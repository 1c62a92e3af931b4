import { randomUUID } from 'node:crypto';
import type { AxiosInstance } from 'axios';
import { DingTalkApiError } from '../../errors';
import { asRecord } from '../../validation/as-record';
import type { AccessTokenProvider } from './access-token';
import type { CallMeter } from './call-meter';
import { createDingTalkRequester } from './dingtalk-api';
import { type DingTalkMessage, isGroup } from './schema';

/**
 * DingTalk AI cards (card_1_0 OpenAPI), the transport for answers that stream in as they are written. Every method
 * throws DingTalkApiError (with DingTalk's HTTP status and `code` when there was an answer) on failure; the caller
 * decides whether to fall back to markdown; a 403 QpsLimit or errcode 90020 says so in its `apiLimit`, and is not
 * retried here (docs/controls.md §3). Each method counts its call on the turn's `meter`. Facts: docs/dingtalk.md
 * §5 and "AI card pitfalls".
 */
export interface CardClient {
  /**
   * `POST /v1.0/card/instances/createAndDeliver`: creates the card in the processing state (flowStatus 1) with
   * `content` as its text and delivers it to the message's chat (group: IM_GROUP.<conversationId>, with an @ of the
   * sender; 1:1: IM_ROBOT.<senderStaffId>). A 200 is not delivery: any `deliverResults[].success === false` throws.
   */
  create(input: { outTrackId: string; message: DingTalkMessage; content: string; meter?: CallMeter }): Promise<void>;
  /** `PUT /v1.0/card/streaming`: replaces the card's text (isFull); `finalize` ends the stream. */
  stream(input: { outTrackId: string; content: string; finalize: boolean; error?: boolean; meter?: CallMeter }): Promise<void>;
  /** `PUT /v1.0/card/instances`: the final text and flowStatus 3 (finished) or 5 (failed), so it never looks hung. */
  finish(input: { outTrackId: string; content: string; failed: boolean; meter?: CallMeter }): Promise<void>;
}

export interface CardClientOptions {
  http: AxiosInstance;
  /** `https://api.dingtalk.com` in production; the fake server's url in tests. */
  apiBase: string;
  tokens: AccessTokenProvider;
  /** The robotCode for group delivery when the callback carries none (an internal app's robot is its app key). */
  appKey: string;
  /** The published AI card template (`….schema`) and the variable its streaming markdown component is bound to. */
  templateId: string;
  contentKey: string;
  /** Bound per card call (default 5 s): a slow card must not eat the budget the markdown fallback needs. */
  timeoutMs?: number;
}

/** Our own code (not DingTalk's) on the error `create` throws for a 1:1 message without senderStaffId. */
export const CARD_NO_RECIPIENT = 'local.senderStaffIdMissing';
/** Our own code on the error `create` throws when DingTalk created the card but did not deliver it. */
export const CARD_NOT_DELIVERED = 'local.cardNotDelivered';

const DEFAULT_TIMEOUT_MS = 5000;

export function createCardClient(options: CardClientOptions): CardClient {
  const api = createDingTalkRequester(options);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const callOptions = (meter: CallMeter | undefined) => (meter ? { timeoutMs, meter } : { timeoutMs });
  const params = (content: string, flowStatus: string) => ({ [options.contentKey]: content, flowStatus });

  return {
    async create({ outTrackId, message, content, meter }) {
      const answer = await api.call(
        'POST',
        '/v1.0/card/instances/createAndDeliver',
        {
          cardTemplateId: options.templateId,
          outTrackId,
          cardData: { cardParamMap: params(content, '1') },
          // Without a callbackType later streaming calls are reported to fail with 500 (docs/dingtalk.md,
          // "AI card pitfalls"). STREAM is what DingTalk's SDK sends; HTTP would need a registered callbackRouteKey,
          // and this card has no buttons anyway.
          callbackType: 'STREAM',
          imGroupOpenSpaceModel: { supportForward: true },
          imRobotOpenSpaceModel: { supportForward: true },
          ...openSpace(message, message.robotCode ?? options.appKey),
        },
        callOptions(meter),
      );
      checkDelivered(answer);
    },
    async stream({ outTrackId, content, finalize, error, meter }) {
      await api.call(
        'PUT',
        '/v1.0/card/streaming',
        // A fresh guid per call, as DingTalk's SDK does: each snapshot is a new update, not a repeat of one.
        {
          outTrackId,
          guid: randomUUID(),
          key: options.contentKey,
          content,
          isFull: true,
          isFinalize: finalize,
          isError: error ?? false,
        },
        callOptions(meter),
      );
    },
    async finish({ outTrackId, content, failed, meter }) {
      await api.call(
        'PUT',
        '/v1.0/card/instances',
        {
          outTrackId,
          cardData: { cardParamMap: params(content, failed ? '5' : '3') },
          // By key, so variables the template fills itself (a title, a logo) are left as they are.
          cardUpdateOptions: { updateCardDataByKey: true },
        },
        callOptions(meter),
      );
    },
  };
}

/**
 * Where the card goes: the group with an @ of the sender, or the sender's 1:1 chat with the robot
 * (docs/dingtalk.md §5).
 */
function openSpace(message: DingTalkMessage, robotCode: string): Record<string, unknown> {
  const staffId = message.senderStaffId || undefined;
  if (isGroup(message)) {
    const atUserIds = staffId === undefined ? {} : { atUserIds: { [staffId]: message.senderNick ?? '' } };
    return {
      openSpaceId: `dtv1.card//IM_GROUP.${message.conversationId}`,
      imGroupOpenDeliverModel: { robotCode, ...atUserIds },
    };
  }
  if (staffId === undefined) {
    throw new DingTalkApiError('a 1:1 AI card needs the sender staff id', undefined, CARD_NO_RECIPIENT);
  }
  return { openSpaceId: `dtv1.card//IM_ROBOT.${staffId}`, imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT' } };
}

/**
 * createAndDeliver's `{success, result: {outTrackId, deliverResults: [{spaceType, spaceId, success, errorMsg}]}}`:
 * the card exists, but a space that says success false (a user outside the app's visible range, a group the robot
 * left) never shows it.
 */
function checkDelivered(answer: unknown): void {
  const body = asRecord(answer);
  const results = asRecord(body['result'])['deliverResults'];
  const failed = (Array.isArray(results) ? results : []).map(asRecord).filter((result) => result['success'] === false);
  if (body['success'] !== false && failed.length === 0) return;
  const reasons = failed.map((result) => {
    const space = typeof result['spaceType'] === 'string' ? result['spaceType'] : 'space';
    const why = typeof result['errorMsg'] === 'string' ? result['errorMsg'].slice(0, 200) : 'no reason given';
    return `${space}: ${why}`;
  });
  const detail = reasons.length > 0 ? reasons.join('; ') : 'success false';
  const advice = " (a 1:1 card needs the user inside the app's visible range in the DingTalk developer console)";
  throw new DingTalkApiError(`AI card was created but not delivered: ${detail}${advice}`, 200, CARD_NOT_DELIVERED);
}
