import type { HistorySettings } from '../config/worker-config';
import type { ChannelTurn } from '../channels/channel';
import type { SensitiveCheck } from '../controls/sensitive/sensitive-check';
import type { ConversationHistory } from '../history/conversation-history';
import type { MessageClaims } from '../history/message-claims';
import type { Logger } from '../logging/logger';
import type { ChatModel } from '../model/chat-model';
import type { TurnControls } from '../controls/turn-controls';
import type { CommandSettings } from './commands';
import type { RobotControls } from '../controls/robot-controls';

export interface CardSettings {
  minIntervalMs: number;
  minGrowthChars: number;
  maxChars: number;
}

export interface WorkerSettings {
  systemPrompt: string;
  commands: CommandSettings;
  history: HistorySettings;
  /** The longest one model call may take, whatever time is left. */
  modelTimeoutMs: number;
  /** The configured model, what `/model` may choose, and which of those take pictures. */
  models: { default: string; allowed: readonly string[]; vision: readonly string[] };
  /** Show the model's reasoning above the answer instead of hiding it. */
  showReasoning: boolean;
  /** Set when answers stream into AI cards. */
  card: CardSettings | undefined;
  /** Under `npm start`: hints say to edit .env and restart instead of redeploying. */
  runsLocally: boolean;
  /** How many pictures of one message are read, and how many bytes they may have together. */
  images: { maxCount: number; totalMaxBytes: number };
}

/** One delivery of one message, bound to its chat by its channel (shared/channels/channel.ts). */
export interface TurnEvent extends ChannelTurn {
  /** The WorkerEvent's: an FC retry of the invocation carries the same one, a platform's redelivery a new one. */
  deliveryId: string;
}

/** The robot a turn belongs to (docs/controls.md §7): its name in the controls file and what the company decided for it. */
export interface TurnRobot {
  name: string;
  controls: RobotControls;
}

/** Everything one turn needs, passed in: the worker's steps read no module state and build no clients. */
export interface TurnDependencies {
  settings: WorkerSettings;
  robot: TurnRobot;
  history: ConversationHistory;
  /** Who answers which message: one small object per message (message-claims.ts). */
  claims: MessageClaims;
  model: ChatModel | undefined;
  /** The robot's access lists, limits, admins and API budget; undefined where no people are answered (docs/controls.md). */
  controls?: TurnControls;
  logger: Logger;
  now: () => number;
  /** When FC will stop this invocation: every wait is budgeted so the user's message goes out before it. */
  deadlineMs: number;
  /** Time kept back from the model for delivering the reply and recording it. */
  replyReserveMs: number;
  /** The robot's sensitive words, both ways (docs/controls.md §4); undefined: no check. */
  sensitive?: SensitiveCheck | undefined;
}

/** What a model call may take now: the configured limit, cut to the time left before the reply reserve. */
export const modelBudgetMs = (deps: TurnDependencies): number =>
  Math.max(1_000, Math.min(deps.settings.modelTimeoutMs, deps.deadlineMs - deps.now() - deps.replyReserveMs));

/** A fifth of the function's time, between 3 and 20 seconds, is kept for the reply and the record. */
export const defaultReplyReserveMs = (timeoutMs: number): number => Math.min(20_000, Math.max(3_000, timeoutMs * 0.2));

const FINISHING_SHARE_OF_RESERVE = 1 / 4;

/**
 * When the turn's own work must be over: sending the reply and retrying its record stop here, a quarter of the
 * reply reserve before FC's deadline, which is left for the invocation to finish (its last log lines, the return to
 * FC) rather than be cut off mid-request.
 */
export const turnWorkEndsAt = (deadlineMs: number, replyReserveMs: number): number => deadlineMs - replyReserveMs * FINISHING_SHARE_OF_RESERVE;

