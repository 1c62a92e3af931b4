import { createHmac } from 'node:crypto';
import { SignatureVerificationError } from '../../errors';
import { equalSecret } from '../../validation/equal-secret';

/** DingTalk refuses callbacks whose timestamp is more than an hour off; so do we (docs/dingtalk.md §2). */
export const MAX_CLOCK_SKEW_MS = 60 * 60 * 1000;

export interface SignatureInput {
  appSecret: string;
  /** The `timestamp` header: milliseconds since the epoch, as a string. */
  timestamp: string | undefined;
  /** The `sign` header: base64 HMAC-SHA256 over `timestamp + "\n" + appSecret`, keyed by the app secret. */
  sign: string | undefined;
  nowMs: number;
}

/** Throws SignatureVerificationError unless the callback was signed with our app secret within the last hour. */
export function verifyDingTalkSignature({ appSecret, timestamp, sign, nowMs }: SignatureInput): void {
  if (!timestamp || !sign) throw new SignatureVerificationError('missing');
  if (!/^\d{1,16}$/.test(timestamp)) throw new SignatureVerificationError('stale');
  if (Math.abs(nowMs - Number(timestamp)) > MAX_CLOCK_SKEW_MS) throw new SignatureVerificationError('stale');
  if (!equalSecret(signDingTalkTimestamp(appSecret, timestamp), sign)) throw new SignatureVerificationError('mismatch');
}

export function signDingTalkTimestamp(appSecret: string, timestamp: string): string {
  return createHmac('sha256', appSecret).update(`${timestamp}\n${appSecret}`).digest('base64');
}
