import type { CardGate } from '../../shared/cards/card-gate';
import type { CardClient } from '../../shared/channels/dingtalk/card-client';
import { createDingTalkChannel } from '../../shared/channels/dingtalk/dingtalk-channel';
import type { MessageFiles } from '../../shared/channels/dingtalk/message-files';
import type { Replier } from '../../shared/channels/dingtalk/replier';
import type { DingTalkMessage } from '../../shared/channels/dingtalk/schema';
import { createConversationHistory } from '../../shared/history/conversation-history';
import { historyLimits } from '../../shared/history/history-limits';
import { createMessageClaims } from '../../shared/history/message-claims';
import type { HistoryRecord } from '../../shared/history/records';
import { silentLogger } from '../../shared/logging/logger';
import { DEFAULT_ROBOT_CONTROLS } from '../../shared/controls/robot-controls';
import type { TurnDependencies, TurnEvent } from '../../shared/turn/turn-dependencies';
import { turnView, type TurnView } from '../../shared/turn/turn-view';
import { createMemoryAppendLog } from '../../shared/storage/memory/memory-append-log';
import { createImageFetcher, createWorkerSettings } from './worker-settings';

export const TEST_NOW = 1_700_000_000_000;

/** The env robot with the controls of a deployment without a controls file. */
export const TEST_ROBOT = { name: 'dingtalk', controls: DEFAULT_ROBOT_CONTROLS };

/** The ways back to a DingTalk chat that a test stands in for; the DingTalk channel itself is the real one. */
export interface DingTalkBindings {
  replier?: Replier;
  cards?: { client: CardClient; gate: CardGate } | undefined;
  images?: MessageFiles;
}

/** A delivery as the callback hands it over, with the DingTalk message still typed for the test to build. */
export interface TestWorkerEvent {
  deliveryId: string;
  message: DingTalkMessage;
}

export type TestTurnDependencies = TurnDependencies & {
  /** The event's message opened by the real DingTalk channel, bound to this test's replier, cards and images. */
  open(event: TestWorkerEvent): TurnEvent;
};

/** Opens `event` with the DingTalk channel over `bindings`, as the worker handler does. */
export function openDingTalkTurn(event: TestWorkerEvent, bindings: Required<Omit<DingTalkBindings, 'cards'>> & Pick<DingTalkBindings, 'cards'>): TurnEvent {
  const channel = createDingTalkChannel({ replier: bindings.replier, cards: bindings.cards, files: bindings.images });
  return { ...channel.open(event.message), deliveryId: event.deliveryId };
}

/**
 * TurnDependencies for one turn: worker settings with test defaults, a real history over an in-memory log, no
 * model, no cards, a replier that records, and a clock that stands still at TEST_NOW unless `now` is passed.
 */
export function createTurnDependencies(overrides: Partial<TurnDependencies> & DingTalkBindings = {}): TestTurnDependencies & { replies: string[] } {
  const replies: string[] = [];
  const { replier, cards, images, ...dependencies } = overrides;
  const now = dependencies.now ?? (() => TEST_NOW);
  const settings = dependencies.settings ?? createWorkerSettings();
  const { log } = createMemoryAppendLog();
  const recording: Replier = {
    reply: async (_message, text) => {
      replies.push(text);
      return { parts: 1, skipped: 0, via: ['webhook' as const], uncertain: 0 };
    },
  };
  const bindings = { replier: replier ?? recording, cards, images: images ?? createImageFetcher() };
  return {
    settings,
    robot: TEST_ROBOT,
    history: createConversationHistory({ log, ...historyLimits(settings.history, now) }),
    claims: createMessageClaims({ log, prefix: 'messages/' }),
    model: undefined,
    logger: silentLogger,
    deadlineMs: now() + 60_000,
    replyReserveMs: 5_000,
    ...dependencies,
    now,
    replies,
    open: (event) => openDingTalkTurn(event, bindings),
  };
}

/** A conversation as read from its log: these records, and the next append after them. */
export const viewOf = (records: HistoryRecord[] = []): TurnView =>
  turnView({ key: 'conversation-key', records, position: 0, truncated: false, rotation: undefined });
