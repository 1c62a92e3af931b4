import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether a received secret (a signature, a bearer token) equals the expected one, in time that tells an attacker
 * nothing: both sides are hashed first, so timingSafeEqual always compares 32 bytes, and neither where the strings
 * differ nor how long the expected one is shows in the time taken.
 */
export function equalSecret(expected: string, received: string): boolean {
  return timingSafeEqual(sha256(expected), sha256(received));
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();
