import type { ChatMessage } from '../model/chat-model';
import { estimateTokens } from './estimate-tokens';
import type { HistoryRecord, TurnRecord } from './records';

export interface PromptOptions {
  systemPrompt: string;
  /** A conversation idle longer than this starts afresh. */
  sessionTimeoutMs: number;
  /** Estimated tokens of history the prompt may carry; the oldest turns go first. */
  historyTokenBudget: number;
  nowMs: number;
}

/**
 * The turns of the current session: after the last reset, not interrupted by an idle gap longer than the session
 * timeout, newest first until the token budget is spent.
 */
export function sessionTurns(records: readonly HistoryRecord[], options: Omit<PromptOptions, 'systemPrompt'>): TurnRecord[] {
  const turns: TurnRecord[] = [];
  let spent = 0;
  let newer = options.nowMs;
  for (let index = records.length - 1; index >= 0; index -= 1) {
    const record = records[index];
    if (record === undefined || record.t === 'reset') break;
    if (record.t !== 'turn') continue;
    if (newer - record.at > options.sessionTimeoutMs) break;
    const cost = estimateTokens(record.user) + estimateTokens(record.assistant);
    if (spent + cost > options.historyTokenBudget) break;
    spent += cost;
    newer = record.at;
    turns.unshift(record);
  }
  return turns;
}

/** The message list for the model: system prompt, the session's turns, then the new user message (text or parts). */
export function buildPrompt(records: readonly HistoryRecord[], user: ChatMessage['content'], options: PromptOptions): ChatMessage[] {
  const history = sessionTurns(records, options).flatMap((turn): ChatMessage[] => [
    { role: 'user', content: pastUserText(turn) },
    { role: 'assistant', content: turn.assistant },
  ]);
  return [{ role: 'system', content: options.systemPrompt }, ...history, { role: 'user', content: user }];
}

/** Pictures are not kept, so a past turn says there was one; otherwise the model reads "what is this?" blind. */
function pastUserText(turn: TurnRecord): string {
  const pictures = turn.images ? `[用户发送了 ${turn.images} 张图片] ` : '';
  const text = `${pictures}${turn.user}`;
  return turn.speaker ? `${turn.speaker}：${text}` : text;
}
