import { createHash } from 'node:crypto';
import { SignatureVerificationError } from '../../errors';
import { equalSecret } from '../../validation/equal-secret';

/**
 * WeChat signs every request to the server URL in its query: `signature` = SHA-1 hex of token, timestamp and nonce
 * sorted and joined; in safe mode also `msg_signature` over the same three plus the `Encrypt` text
 * (docs/wechat.md §2, §4). Timestamps are seconds. WeChat's retries of one message come within ~15 s, so a request
 * more than MAX_CLOCK_SKEW_S off our clock was not signed for now. Within the window the plain signature does not
 * bind the body: the route lets a plaintext-mode query carry only its first message (shared/callback/signature-pairs.ts).
 */
export const MAX_CLOCK_SKEW_S = 15 * 60;

export function wechatSignature(parts: readonly string[]): string {
  return createHash('sha1').update([...parts].sort().join('')).digest('hex');
}

export interface SignedQuery {
  token: string;
  timestamp: string | undefined;
  nonce: string | undefined;
  /** `signature`, or `msg_signature` when `encrypt` is given. */
  signature: string | undefined;
  /** The `Encrypt` element of a safe-mode body. */
  encrypt?: string;
  nowMs: number;
}

/** Throws SignatureVerificationError unless the query was signed with our token around now. */
export function verifyWechatSignature(input: SignedQuery): void {
  const { timestamp, nonce, signature } = input;
  if (!timestamp || !nonce || !signature) throw new SignatureVerificationError('missing');
  if (!/^\d{1,12}$/.test(timestamp) || nonce.length > 64) throw new SignatureVerificationError('mismatch');
  if (Math.abs(input.nowMs / 1000 - Number(timestamp)) > MAX_CLOCK_SKEW_S) throw new SignatureVerificationError('stale');
  const parts = [input.token, timestamp, nonce, ...(input.encrypt === undefined ? [] : [input.encrypt])];
  if (!equalSecret(wechatSignature(parts), signature.toLowerCase())) throw new SignatureVerificationError('mismatch');
}
