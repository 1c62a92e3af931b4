import type { DingTalkMessage } from './schema';
import { ImplausibleCallbackError } from '../../errors';

/**
 * A signed callback's own times must fit its signature: DingTalk signs when it sends, so a message is created shortly
 * before its timestamp, and its session webhook lives ~90 minutes from creation (every sample shows createAt + 90
 * min). A body whose times point elsewhere (a webhook "expired" since 1970 to force the OpenAPI path, a message from
 * last week) was not written for this signature. `robotCode`, when present, must be this app's.
 */
const CREATED_AFTER_TIMESTAMP_MS = 5 * 60_000;
const CREATED_BEFORE_TIMESTAMP_MS = 60 * 60_000;
const WEBHOOK_LIFETIME_MAX_MS = 3 * 60 * 60_000;

export function checkPlausible(message: DingTalkMessage, timestampMs: number, appKey: string): void {
  const { createAt, sessionWebhookExpiredTime: expiresAt, robotCode } = message;
  if (createAt !== undefined) {
    if (createAt > timestampMs + CREATED_AFTER_TIMESTAMP_MS) throw new ImplausibleCallbackError('createAt', 'is after the signed timestamp');
    if (createAt < timestampMs - CREATED_BEFORE_TIMESTAMP_MS) throw new ImplausibleCallbackError('createAt', 'is over an hour before the signed timestamp');
  }
  if (expiresAt !== undefined) {
    if (expiresAt <= timestampMs) throw new ImplausibleCallbackError('sessionWebhookExpiredTime', 'is not after the signed timestamp');
    if (expiresAt > (createAt ?? timestampMs) + WEBHOOK_LIFETIME_MAX_MS) {
      throw new ImplausibleCallbackError('sessionWebhookExpiredTime', 'is more than 3 hours after the message');
    }
  }
  if (robotCode !== undefined && robotCode !== appKey) throw new ImplausibleCallbackError('robotCode', 'is not this app\'s key');
}
