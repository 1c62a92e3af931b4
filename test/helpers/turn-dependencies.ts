import type { DingTalkMessage } from '../../shared/channels/dingtalk/schema';
import { createConversationHistory, type ConversationView } from '../../shared/history/conversation-history';
import { historyLimits } from '../../shared/history/history-limits';
import { createMessageClaims } from '../../shared/history/message-claims';
import type { HistoryRecord } from '../../shared/history/records';
import { silentLogger } from '../../shared/logging/logger';
import type { TurnDependencies } from '../../shared/turn/turn-dependencies';
import { createMemoryAppendLog } from '../../shared/storage/memory/memory-append-log';
import { createImageFetcher, createWorkerSettings } from './worker-settings';

export const TEST_NOW = 1_700_000_000_000;

/**
 * TurnDependencies for one turn: worker settings with test defaults, a real history over an in-memory log, no
 * model, no cards, a replier that records, and a clock that stands still at TEST_NOW unless `now` is passed.
 */
export function createTurnDependencies(overrides: Partial<TurnDependencies> = {}): TurnDependencies & { replies: string[] } {
  const replies: string[] = [];
  const now = overrides.now ?? (() => TEST_NOW);
  const settings = overrides.settings ?? createWorkerSettings();
  const { log } = createMemoryAppendLog();
  return {
    settings,
    history: createConversationHistory({ log, ...historyLimits(settings.history, now) }),
    claims: createMessageClaims({ log, prefix: 'messages/' }),
    model: undefined,
    replier: {
      reply: async (_message: DingTalkMessage, text: string) => {
        replies.push(text);
        return { parts: 1, skipped: 0, via: ['webhook' as const], uncertain: 0 };
      },
    },
    cards: undefined,
    images: createImageFetcher(),
    logger: silentLogger,
    deadlineMs: now() + 60_000,
    replyReserveMs: 5_000,
    ...overrides,
    now,
    replies,
  };
}

/** A conversation as read from its log: these records, and the next append after them. */
export const viewOf = (records: HistoryRecord[] = []): ConversationView => ({
  key: 'conversation-key',
  records,
  position: 0,
  truncated: false,
  rotation: undefined,
});
