import type { StreamProgress } from './chat-model';
import { separateReasoning } from './reasoning';

/**
 * Collects a completion's answer and reasoning, from stream deltas or from one whole message (a message is read as a
 * single delta). Providers report reasoning in one of three places, all of which end up in `reasoning`:
 * - `reasoning_content` beside `content` (DeepSeek, DashScope/Qwen3, older vLLM);
 * - `reasoning` beside `content` (newer vLLM, Ollama, OpenRouter);
 * - `<think>…</think>` inside `content` (vLLM or Ollama without a reasoning parser).
 */
export interface StreamAccumulator {
  /**
   * Adds one `delta` (or `message`) as the provider sent it. Returns what to show when the visible answer or
   * reasoning changed, and undefined otherwise (a role-only chunk, a held-back partial `<think` tag, whitespace).
   */
  add(fields: unknown): StreamProgress | undefined;
  /** The whole completion once the provider is done: an unclosed `<think>` block counts as reasoning. */
  result(): StreamProgress;
}

export function createStreamAccumulator(): StreamAccumulator {
  let content = '';
  let reasoningContent = '';
  let shown: StreamProgress = { answer: '', reasoning: '' };

  function separate(final: boolean): StreamProgress {
    const { answer, reasoning } = separateReasoning(content, { final });
    // The separate field comes first: a provider that fills it has already parsed the thinking out of the content.
    const combined = [reasoningContent.trim(), reasoning].filter((part) => part !== '').join('\n\n');
    return { answer, reasoning: combined };
  }

  return {
    add(fields) {
      const { content: contentDelta, reasoning: reasoningDelta } = readDelta(fields);
      if (contentDelta === '' && reasoningDelta === '') return undefined;
      content += contentDelta;
      reasoningContent += reasoningDelta;
      const next = separate(false);
      if (next.answer === shown.answer && next.reasoning === shown.reasoning) return undefined;
      shown = next;
      return next;
    },
    result: () => separate(true),
  };
}

function readDelta(fields: unknown): { content: string; reasoning: string } {
  if (typeof fields !== 'object' || fields === null) return { content: '', reasoning: '' };
  const { content, reasoning_content: reasoningContent, reasoning } = fields as Record<string, unknown>;
  // Take one reasoning field, not both: a vLLM release moving from one name to the other may fill both.
  const thought = typeof reasoningContent === 'string' && reasoningContent !== '' ? reasoningContent : reasoning;
  return { content: typeof content === 'string' ? content : '', reasoning: typeof thought === 'string' ? thought : '' };
}
