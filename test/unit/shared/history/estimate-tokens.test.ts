import { decode, encode } from 'gpt-tokenizer/encoding/o200k_base';
import { COMMON_LETTER_PAIRS, estimateTokens } from '../../../../shared/history/estimate-tokens';
import { TOKEN_SAMPLES } from '../../../helpers/token-samples';

/** The budget may be off on the high side; 15 % below the real count is the most it may be off on the low side. */
const MOST_UNDER = 0.85;

describe('estimateTokens against the o200k_base tokenizer', () => {
  it.each(TOKEN_SAMPLES.map((sample) => [sample.kind, sample.text] as const))('counts %s at no less than 0.85 of the real tokens', (_kind, text) => {
    // Act
    const estimate = estimateTokens(text);
    // Assess
    expect(estimate).toBeGreaterThanOrEqual(MOST_UNDER * encode(text).length);
  });

  it.each([
    ['Chinese prose', 1.6],
    ['English prose', 1.6],
    ['Chinese + English', 1.6],
  ])('does not overcount %s by more than %s×, so budgets are not wasted', (kind, most) => {
    // Prepare
    const text = TOKEN_SAMPLES.find((sample) => sample.kind === kind)?.text ?? '';
    // Act
    const ratio = estimateTokens(text) / encode(text).length;
    // Assess
    expect(ratio).toBeLessThanOrEqual(most);
  });

  it('counts nothing for an empty text and at least a token for any other', () => {
    // Assess
    expect(estimateTokens('')).toBe(0);
    expect(['a', '好', ' ', '\n', '🙂', '1'].map(estimateTokens).every((tokens) => tokens >= 1)).toBe(true);
  });

  it('prices letter pairs by the list that the o200k_base vocabulary gives', () => {
    // Prepare: the 300 pairs found in the most letter-only tokens (what bench/token-estimate.ts also checks)
    const counts = new Map<string, number>();
    for (let id = 0; id < 200_000; id += 1) {
      const word = /^ ?([A-Za-z]{2,})$/.exec(safeDecode(id))?.[1]?.toLowerCase();
      if (word === undefined) continue;
      for (const pair of new Set(Array.from({ length: word.length - 1 }, (_, index) => word.slice(index, index + 2)))) {
        counts.set(pair, (counts.get(pair) ?? 0) + 1);
      }
    }
    const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 300).map(([pair]) => pair).sort();
    // Assess
    expect(COMMON_LETTER_PAIRS).toBe(top.join(''));
  });
});

function safeDecode(id: number): string {
  try {
    return decode([id]);
  } catch {
    return '';
  }
}
