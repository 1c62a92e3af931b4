import type { AxiosInstance } from 'axios';
import { DingTalkApiError } from '../../errors';
import { asRecord } from '../../validation/as-record';
import type { AccessTokenProvider } from './access-token';
import type { CallMeter } from './call-meter';
import { createDingTalkRequester } from './dingtalk-api';

/**
 * The robot message OpenAPI, used when the session webhook has expired or failed. It needs an access token and works
 * for as long as the robot is in the chat. Only `sampleMarkdown` is sent: it renders like the webhook's markdown,
 * but cannot @-mention anyone. Facts: docs/dingtalk.md §4b, §8.
 */
export interface MarkdownContent {
  title: string;
  text: string;
}

export interface OpenApiClient {
  /**
   * 1:1 chat: `oToMessages/batchSend` to the sender's staff id. DingTalk answers 200 even when it did not deliver: a
   * recipient in `invalidStaffIdList` or `flowControlledStaffIdList` makes this throw DingTalkApiError.
   */
  sendToUser(input: { robotCode: string; userId: string; meter?: CallMeter } & MarkdownContent): Promise<void>;
  /** Group chat: `groupMessages/send` to the callback's conversationId (the openConversationId). */
  sendToGroup(input: { robotCode: string; conversationId: string; meter?: CallMeter } & MarkdownContent): Promise<void>;
}

export interface OpenApiClientOptions {
  http: AxiosInstance;
  apiBase: string;
  tokens: AccessTokenProvider;
}

/** Our own codes (not DingTalk's) on the error for a batchSend that named the recipient as not reached. */
export const RECIPIENT_INVALID = 'local.invalidStaffId';
export const RECIPIENT_FLOW_CONTROLLED = 'local.flowControlledStaffId';
/** Our own code for a 1:1 part that only the OpenAPI could carry, but the sender has no staff id to send it to. */
export const NO_STAFF_ID = 'local.noStaffId';

const BATCH_SEND = '/v1.0/robot/oToMessages/batchSend';

export function createOpenApiClient(options: OpenApiClientOptions): OpenApiClient {
  const api = createDingTalkRequester(options);

  return {
    async sendToUser({ robotCode, userId, title, text, meter }) {
      const answer = await api.call(
        'POST',
        BATCH_SEND,
        { robotCode, userIds: [userId], msgKey: 'sampleMarkdown', msgParam: JSON.stringify({ title, text }) },
        meter ? { meter } : {},
      );
      checkRecipients(asRecord(answer), userId);
    },
    async sendToGroup({ robotCode, conversationId, title, text, meter }) {
      await api.call(
        'POST',
        '/v1.0/robot/groupMessages/send',
        { robotCode, openConversationId: conversationId, msgKey: 'sampleMarkdown', msgParam: JSON.stringify({ title, text }) },
        meter ? { meter } : {},
      );
    },
  };
}

/**
 * batchSend's `{processQueryKey, invalidStaffIdList, flowControlledStaffIdList}`: a staff id in either list was not
 * sent the message. An invalid id is most often a user outside the app's visible range, which only the admin can fix.
 */
function checkRecipients(answer: Record<string, unknown>, userId: string): void {
  const listed = (field: string): boolean => {
    const list = answer[field];
    return Array.isArray(list) && list.includes(userId);
  };
  if (listed('invalidStaffIdList')) {
    throw new DingTalkApiError(
      `DingTalk ${BATCH_SEND} did not deliver to the sender (invalidStaffIdList): the user is most likely outside the ` +
        "app's visible range (应用可见范围); add the user to the app's visible range in the DingTalk developer console",
      200,
      RECIPIENT_INVALID,
    );
  }
  if (listed('flowControlledStaffIdList')) {
    throw new DingTalkApiError(
      `DingTalk ${BATCH_SEND} did not deliver to the sender (flowControlledStaffIdList): DingTalk is limiting how many ` +
        'messages the robot may send this user; later messages may go through',
      200,
      RECIPIENT_FLOW_CONTROLLED,
    );
  }
}
