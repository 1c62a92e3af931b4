import { OVERSIZED_LINE_FACTOR, type ConversationHistoryOptions } from './conversation-history';
import { archiveKeyOf } from './conversation-key';
import { MAX_CLAIM_BYTES } from './message-claims';

/** Room above the largest read for the byte or kilobyte past its limit that a read asks for to see whether there is more. */
const READ_PROBE_BYTES = 64 * 1024;

/** Twice the largest object this version writes; read into memory once per rotation. */
const archiveMaxBytes = (maxBytes: number): number => 2 * maxBytes;

/**
 * The history's sizes and its rotation rules, from the settings: how much is read per turn, when an object moves to
 * a fresh one, and what the move keeps. One place, so the worker and the tests build the same history.
 */
export function historyLimits(settings: { prefix: string; tailBytes: number; maxBytes: number }, now: () => number = Date.now): Omit<ConversationHistoryOptions, 'log'> {
  return {
    tailBytes: settings.tailBytes,
    maxBytes: settings.maxBytes,
    rotation: {
      archiveKey: (key, at) => archiveKeyOf(key, settings.prefix, at),
      archiveMaxBytes: archiveMaxBytes(settings.maxBytes),
      carryBytes: settings.tailBytes / 2,
      leaseMs: 15_000,
      now,
    },
  };
}

/**
 * The longest object body the history and the message claims read from OSS, past which the OSS transport refuses an
 * answer: a rotated object's copy, an oversized tail re-read, a claims object. A longer body comes from an endpoint
 * that ignored the Range it was asked for.
 */
export function largestObjectRead(settings: { tailBytes: number; maxBytes: number }): number {
  return Math.max(archiveMaxBytes(settings.maxBytes), OVERSIZED_LINE_FACTOR * settings.tailBytes, MAX_CLAIM_BYTES) + READ_PROBE_BYTES;
}
