import type { ChatMessage } from '../model/chat-model';
import { fitTurns } from './fit-turns';
import { messageTokens, picturesIn, REPLY_PRIMING_TOKENS } from './prompt-cost';
import type { HistoryRecord, TurnRecord } from './records';

export interface PromptOptions {
  systemPrompt: string;
  /** A conversation idle longer than this starts afresh. */
  sessionTimeoutMs: number;
  /** Estimated tokens of history the prompt may carry, at most; the oldest turns go first. */
  historyTokenBudget: number;
  /** Estimated tokens of the whole prompt: system prompt, history, the new message and its pictures. */
  promptTokenBudget: number;
  nowMs: number;
}

export type PromptResult =
  | { kind: 'ok'; messages: ChatMessage[]; estimatedTokens: number; shortenedTurns: number }
  /** The new message with the system prompt alone is over the prompt budget: the model is not asked. */
  | { kind: 'too-long'; estimatedTokens: number; budget: number; pictures: number };

/**
 * The message list for the model: system prompt, what fits of the session's turns, then the new user message (text
 * or parts), which always goes in whole. History gets what the system prompt and the new message leave of the
 * prompt budget, up to its own budget.
 */
export function buildPrompt(records: readonly HistoryRecord[], user: ChatMessage['content'], options: PromptOptions): PromptResult {
  const system: ChatMessage = { role: 'system', content: options.systemPrompt };
  const current: ChatMessage = { role: 'user', content: user };
  const fixed = fixedTokens(system, current);
  if (fixed > options.promptTokenBudget) return tooLong(fixed, options.promptTokenBudget, user);
  const room = Math.min(options.historyTokenBudget, options.promptTokenBudget - fixed);
  const history = fitTurns(sessionTurns(records, options), room);
  return { kind: 'ok', messages: [system, ...history.messages, current], estimatedTokens: fixed + history.tokens, shortenedTurns: history.shortened };
}

/**
 * The too-long answer for a new message before anything is fetched for it: a picture costs the same whatever its
 * bytes, so `user` may hold placeholders for pictures not yet downloaded. Undefined when the message fits.
 */
export function tooLongAlone(user: ChatMessage['content'], options: Pick<PromptOptions, 'systemPrompt' | 'promptTokenBudget'>): Extract<PromptResult, { kind: 'too-long' }> | undefined {
  const fixed = fixedTokens({ role: 'system', content: options.systemPrompt }, { role: 'user', content: user });
  return fixed > options.promptTokenBudget ? tooLong(fixed, options.promptTokenBudget, user) : undefined;
}

const fixedTokens = (system: ChatMessage, current: ChatMessage): number => REPLY_PRIMING_TOKENS + messageTokens(system) + messageTokens(current);

const tooLong = (estimatedTokens: number, budget: number, user: ChatMessage['content']): Extract<PromptResult, { kind: 'too-long' }> => ({
  kind: 'too-long',
  estimatedTokens,
  budget,
  pictures: picturesIn(user),
});

/**
 * The turns of the current session, oldest first: after the last reset, not interrupted by an idle gap longer than
 * the session timeout.
 */
export function sessionTurns(records: readonly HistoryRecord[], options: Pick<PromptOptions, 'sessionTimeoutMs' | 'nowMs'>): TurnRecord[] {
  const turns: TurnRecord[] = [];
  let newer = options.nowMs;
  for (let index = records.length - 1; index >= 0; index -= 1) {
    const record = records[index];
    if (record === undefined || record.t === 'reset') break;
    if (record.t !== 'turn') continue;
    if (newer - record.at > options.sessionTimeoutMs) break;
    newer = record.at;
    turns.unshift(record);
  }
  return turns;
}
