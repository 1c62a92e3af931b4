import type { ConversationHistoryOptions } from './conversation-history';
import { archiveKeyOf } from './conversation-key';

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
      // Twice the largest object this version writes; read into memory once per rotation.
      archiveMaxBytes: 2 * settings.maxBytes,
      carryBytes: settings.tailBytes / 2,
      leaseMs: 15_000,
      now,
    },
  };
}
