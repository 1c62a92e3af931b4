import { estimateTokens } from './estimate-tokens';

/** Where a past message was cut to fit the prompt, so the model (and a reader of the request) knows text is missing. */
export const SHORTENED_MARK = '\n…（内容过长，已截断）…\n';

/** Below this a shortened message is a stub that tells the model nothing; it is left out instead. */
export const MIN_SHORTENED_TOKENS = 48;

/**
 * The start and the end of `text`, with the mark between them, as long as fits `maxTokens` (estimated). Both ends
 * are kept because a long answer states its subject at the start and its conclusion at the end, the two parts a
 * follow-up such as "总结上面" or "最后一步再解释一下" needs most; the start gets the larger share. Undefined when
 * not even MIN_SHORTENED_TOKENS fit.
 */
export function shortenToFit(text: string, maxTokens: number): string | undefined {
  const whole = estimateTokens(text);
  if (whole <= maxTokens) return text;
  if (maxTokens < MIN_SHORTENED_TOKENS) return undefined;
  // Binary search on the characters kept, which the estimate grows with if not exactly in proportion. It starts
  // near the proportional share and stops within 1 % of the best cut: it runs on every turn after a long answer.
  let low = 0;
  let high = Math.min(text.length, Math.ceil(((text.length * maxTokens) / whole) * 1.5));
  while (high - low > Math.max(4, high / 100)) {
    const middle = Math.ceil((low + high) / 2);
    if (estimateTokens(cut(text, middle)) <= maxTokens) low = middle;
    else high = middle - 1;
  }
  return low === 0 ? undefined : cut(text, low);
}

function cut(text: string, kept: number): string {
  const head = safeEnd(text, Math.ceil(kept * 0.6));
  const tail = safeStart(text, text.length - (kept - head));
  return `${text.slice(0, head).trimEnd()}${SHORTENED_MARK}${text.slice(tail).trimStart()}`;
}

/** Cut positions never split a surrogate pair (an emoji or a rare character would turn into garbage). */
const isLowSurrogate = (text: string, index: number): boolean => {
  const code = text.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff;
};
const safeEnd = (text: string, index: number): number => (isLowSurrogate(text, index) ? index - 1 : index);
const safeStart = (text: string, index: number): number => (isLowSurrogate(text, index) ? index + 1 : index);
