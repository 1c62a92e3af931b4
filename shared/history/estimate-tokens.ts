/**
 * A tokenizer-free estimate, deliberately on the high side: CJK characters are about one token each in the common
 * BPE vocabularies, other text about four characters a token. A real tokenizer would add hundreds of KB to the
 * worker's cold start for a budget that only needs to be roughly right.
 */
const WIDE = /[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/g;

export function estimateTokens(text: string): number {
  const wide = text.match(WIDE)?.length ?? 0;
  return wide + Math.ceil((text.length - wide) / 4) + 4;
}
