import { MESSAGE_OVERHEAD_TOKENS, PICTURE_TOKENS, REPLY_PRIMING_TOKENS } from '../../shared/history/prompt-cost';
import { estimateTokens } from '../../shared/history/estimate-tokens';
import { type DemoMessage, picturesOf, textOf } from './demo-request';

/**
 * The demo model's answers in OpenAI's chat-completions shapes, field for field, so the real `openai` client and the
 * worker's adapter (shared/model/openai-chat-model.ts) read them exactly as they read OpenAI's.
 */
export interface DemoEnvelope {
  id: string;
  created: number;
  model: string;
}

export interface DemoUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/**
 * No tokenizer: both counts are the worker's own estimate from the characters (shared/history/estimate-tokens.ts),
 * the prompt's from every message's text plus the fixed price of a picture and the chat format's overhead, the
 * completion's from the answer's text. Close enough to a real provider's figures for the playground's panels.
 */
export function demoUsage(messages: readonly DemoMessage[], answer: string): DemoUsage {
  const prompt = messages.reduce(
    (sum, message) => sum + MESSAGE_OVERHEAD_TOKENS + estimateTokens(textOf(message)) + picturesOf(message) * PICTURE_TOKENS,
    REPLY_PRIMING_TOKENS,
  );
  const completion = estimateTokens(answer);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

export function completionBody(head: DemoEnvelope, answer: string, usage: DemoUsage) {
  const message = { role: 'assistant', content: answer, refusal: null };
  return {
    ...head,
    object: 'chat.completion',
    choices: [{ index: 0, message, logprobs: null, finish_reason: 'stop' }],
    usage,
    system_fingerprint: null,
  };
}

/**
 * One `chat.completion.chunk`. With include_usage OpenAI sends `usage: null` on every chunk and the figures on a last
 * chunk whose `choices` is empty.
 */
export function chunkBody(head: DemoEnvelope, delta: { role?: 'assistant'; content?: string }, finishReason: 'stop' | null, withUsage: boolean) {
  return {
    ...head,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    system_fingerprint: null,
    ...(withUsage && { usage: null }),
  };
}

export function usageChunkBody(head: DemoEnvelope, usage: DemoUsage) {
  return { ...head, object: 'chat.completion.chunk', choices: [], system_fingerprint: null, usage };
}

export interface DemoErrorBody {
  error: { message: string; type: string; param: null; code: string | null };
}

export const errorBody = (message: string, type: string, code: string | null = null): DemoErrorBody => ({
  error: { message, type, param: null, code },
});

/** Cut by code point, so a CJK character or an emoji is never split across two deltas. */
export function pieces(text: string, size: number): string[] {
  const chars = Array.from(text);
  const out: string[] = [];
  for (let index = 0; index < chars.length; index += size) out.push(chars.slice(index, index + size).join(''));
  return out;
}
