import { DingTalkApiError } from '../../errors';
import { NO_STAFF_ID, RECIPIENT_FLOW_CONTROLLED, RECIPIENT_INVALID } from './openapi-client';
import { WEBHOOK_EXPIRED, WEBHOOK_HOST_REFUSED } from './session-webhook';

/**
 * What a failed send of one reply part means for that part (the rule and its reasons: docs/dingtalk.md, "Delivery
 * when the outcome is unknown"):
 * - 'not-delivered': it certainly did not reach the chat. It was refused before sending, the connection was never
 *   established, or DingTalk answered and said no. The part may go by the other path; `retryable` says whether
 *   trying again later (a new FC attempt) could succeed.
 * - 'unknown': the request may have reached DingTalk but no usable answer came (no answer after connecting, a reset
 *   after writing, HTTP 504). DingTalk may have shown it, so it is sent again by no path.
 */
export type FailedSend = { outcome: 'not-delivered'; retryable: boolean } | { outcome: 'unknown' };

/** Our own codes, for a part refused before sending or a 200 that named the recipient as not reached. */
const LOCAL_RETRYABLE: Record<string, boolean> = {
  [WEBHOOK_HOST_REFUSED]: false,
  [WEBHOOK_EXPIRED]: false,
  [NO_STAFF_ID]: false,
  // batchSend's invalidStaffIdList: most often a user outside the app's visible range; only an admin can fix it.
  [RECIPIENT_INVALID]: false,
  // batchSend's flowControlledStaffIdList: DingTalk is limiting messages to this user for now.
  [RECIPIENT_FLOW_CONTROLLED]: true,
};

/**
 * Webhook errcodes (HTTP 200) after which a later attempt could succeed: -1 system busy, 90002 platform rate limit,
 * 130101 sending too fast. Every other errcode (300001 session gone, 310000 security settings, 460101/101002 too
 * long, and codes we do not know) would be refused again.
 */
const RETRYABLE_ERRCODES = new Set(['-1', '90002', '130101']);

export function classifyFailedSend(error: unknown): FailedSend {
  // Anything but DingTalkApiError was thrown before a request was made (the senders wrap every network failure).
  if (!(error instanceof DingTalkApiError)) return { outcome: 'not-delivered', retryable: true };
  if (error.connection === 'lost-after-sending') return { outcome: 'unknown' };
  if (error.connection === 'never-established') return { outcome: 'not-delivered', retryable: true };
  const { status, apiCode } = error;
  if (apiCode !== undefined && apiCode.startsWith('local.')) {
    return { outcome: 'not-delivered', retryable: LOCAL_RETRYABLE[apiCode] ?? false };
  }
  // No status and no connection: the access token could not be had, so the message itself was never sent.
  if (status === undefined) return { outcome: 'not-delivered', retryable: true };
  // A gateway timeout: DingTalk's gateway gave up waiting for the service, which may still deliver (server deadline 3 s).
  if (status === 504) return { outcome: 'unknown' };
  return { outcome: 'not-delivered', retryable: isRetryableAnswer(status, apiCode) };
}

function isRetryableAnswer(status: number, apiCode: string | undefined): boolean {
  if (status >= 500 || status === 429) return true;
  if (status === 403) return apiCode !== undefined && /qpslimit/i.test(apiCode);
  if (status >= 200 && status < 300) return apiCode !== undefined && RETRYABLE_ERRCODES.has(apiCode);
  return false;
}
