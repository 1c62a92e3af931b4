import type { ChatMessage } from '../model/chat-model';
import { estimateTokens } from './estimate-tokens';
import { MESSAGE_OVERHEAD_TOKENS } from './prompt-cost';
import type { TurnRecord } from './records';
import { shortenToFit } from './shorten-text';

export interface FittedHistory {
  messages: ChatMessage[];
  tokens: number;
  /** Turns that went in with a part cut out. */
  shortened: number;
}

const PAIR_OVERHEAD = 2 * MESSAGE_OVERHEAD_TOKENS;

/**
 * As many of the session's turns as fit `budget` (estimated tokens), newest first. The first turn that does not fit
 * whole is shortened into the room left and marked, rather than dropped, so one long answer does not leave the
 * next question ("总结上面") without the very text it refers to; the turns before it are left out.
 */
export function fitTurns(turns: readonly TurnRecord[], budget: number): FittedHistory {
  const messages: ChatMessage[] = [];
  let spent = 0;
  let shortened = 0;
  for (let index = turns.length - 1; index >= 0; index -= 1) {
    const turn = turns[index];
    if (turn === undefined) break;
    const user = pastUserText(turn);
    const whole = PAIR_OVERHEAD + (turn.estimate ?? estimateTokens(user) + estimateTokens(turn.assistant));
    if (spent + whole <= budget) {
      messages.unshift(...pair(user, turn.assistant));
      spent += whole;
      continue;
    }
    const fitted = shortenPair(user, turn.assistant, budget - spent - PAIR_OVERHEAD);
    if (fitted !== undefined) {
      messages.unshift(...pair(fitted.user, fitted.assistant));
      spent += PAIR_OVERHEAD + fitted.tokens;
      shortened += 1;
    }
    break;
  }
  return { messages, tokens: spent, shortened };
}

/**
 * Whichever side is short stays whole and the other takes the rest of the room; when both are long, each gets half.
 * The question is the more useful side to keep whole: it says what the answer was about.
 */
function shortenPair(user: string, assistant: string, room: number): { user: string; assistant: string; tokens: number } | undefined {
  const userTokens = estimateTokens(user);
  const assistantTokens = estimateTokens(assistant);
  const half = Math.floor(room / 2);
  const [userRoom, assistantRoom] =
    userTokens <= half ? [userTokens, room - userTokens] : assistantTokens <= half ? [room - assistantTokens, assistantTokens] : [half, room - half];
  const shortUser = shortenToFit(user, userRoom);
  const shortAssistant = shortenToFit(assistant, assistantRoom);
  if (shortUser === undefined || shortAssistant === undefined) return undefined;
  return { user: shortUser, assistant: shortAssistant, tokens: estimateTokens(shortUser) + estimateTokens(shortAssistant) };
}

const pair = (user: string, assistant: string): ChatMessage[] => [
  { role: 'user', content: user },
  { role: 'assistant', content: assistant },
];

/** What a turn costs in later prompts, less the per-message overhead: stored in the turn as `estimate` when written. */
export function turnEstimate(turn: Pick<TurnRecord, 'user' | 'assistant' | 'speaker' | 'images'>): number {
  return estimateTokens(pastUserText(turn)) + estimateTokens(turn.assistant);
}

/** Pictures are not kept, so a past turn says there was one; otherwise the model reads "what is this?" blind. */
function pastUserText(turn: Pick<TurnRecord, 'user' | 'speaker' | 'images'>): string {
  const pictures = turn.images ? `[用户发送了 ${turn.images} 张图片] ` : '';
  const text = `${pictures}${turn.user}`;
  return turn.speaker ? `${turn.speaker}：${text}` : text;
}
