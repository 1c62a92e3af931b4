import type { Replier } from '../dingtalk/replier';
import type { ConversationHistory } from '../history/conversation-history';
import type { Logger } from '../logging/logger';
import type { ChatModel } from '../model/chat-model';
import type { CommandSettings } from './commands';

export interface WorkerSettings {
  systemPrompt: string;
  commands: CommandSettings;
  history: { prefix: string; tokenBudget: number; sessionTimeoutMs: number; groupShared: boolean };
  /** The longest one model call may take, whatever time is left. */
  modelTimeoutMs: number;
}

/** Everything one turn needs, passed in: the worker's steps read no module state and build no clients. */
export interface TurnDependencies {
  settings: WorkerSettings;
  history: ConversationHistory;
  model: ChatModel | undefined;
  replier: Replier;
  logger: Logger;
  now: () => number;
  /** When FC will stop this invocation: every wait is budgeted so the user's message goes out before it. */
  deadlineMs: number;
  /** Time kept back from the model for delivering the reply and recording it. */
  replyReserveMs: number;
}

/** A fifth of the function's time, between 3 and 20 seconds, is kept for the reply and the record. */
export const defaultReplyReserveMs = (timeoutMs: number): number => Math.min(20_000, Math.max(3_000, timeoutMs * 0.2));
