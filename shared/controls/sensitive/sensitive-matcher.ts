import { emptyScan, extend, holdOf, masked, type Scan } from './text-scan';
import { buildWordTrie, type WordTrie } from './word-trie';

/**
 * Finds a company's sensitive words in a text, compared in the folded form of normalize-text.ts (docs/controls.md
 * §4). Every occurrence is a hit, overlapping ones too; "characters" are code points, so an emoji is one.
 */
export interface SensitiveMatcher {
  find(text: string): { count: number };
  /** The text with each hit's original characters, separators inside it included, replaced by one `*` each. */
  mask(text: string): { text: string; count: number };
  /**
   * How many trailing characters could be the start of a word, which more text could complete: while the text is
   * still growing they must not be shown yet. 0 when nothing at its end could grow into a hit.
   */
  holdBack(text: string): number;
  /** For one text that grows, as a streamed answer does: each look scans only what was added since the last. */
  follow(): SensitiveFollower;
}

export interface SensitiveFollower {
  /**
   * The whole text so far, masked and without its holdBack tail (what may be shown now), and the hits in all of it.
   * A text that does not extend the previous one is scanned afresh.
   */
  look(text: string): { shown: string; count: number };
}

export function createSensitiveMatcher(words: readonly string[]): SensitiveMatcher {
  const trie = buildWordTrie(words);
  const scan = (text: string): Scan => extend(trie, emptyScan(), text);
  return {
    find: (text) => ({ count: scan(text).hits.length }),
    mask(text) {
      const { normalized, hits } = scan(text);
      return { text: masked(normalized.points, hits).join(''), count: hits.length };
    },
    holdBack: (text) => holdOf(trie, scan(text)),
    follow: () => follower(trie, scan),
  };
}

/**
 * What is shown only grows while the text does: a hit the added text completes began inside the tail held back
 * last time (that tail is the longest one that could grow into a word), so the shown part never needs a new mask,
 * and each look masks and joins only the characters it adds.
 */
function follower(trie: WordTrie, scan: (text: string) => Scan): SensitiveFollower {
  let last: Scan | undefined;
  let maskedPoints: string[] = [];
  let shown = '';
  let shownCount = 0;
  return {
    look(text) {
      // A lone high surrogate at the end may pair with what comes next: then the text is read again whole.
      if (last !== undefined && text.startsWith(last.text) && !/[\ud800-\udbff]$/.test(last.text)) {
        const before = last.hits.length;
        last = extend(trie, last, text.slice(last.text.length));
        maskedPoints.push(...last.normalized.points.slice(maskedPoints.length));
        for (const hit of last.hits.slice(before)) maskedPoints.fill('*', hit.first, hit.last + 1);
      } else {
        last = scan(text);
        maskedPoints = masked(last.normalized.points, last.hits);
        shown = '';
        shownCount = 0;
      }
      const showable = maskedPoints.length - holdOf(trie, last);
      if (showable > shownCount) {
        shown += maskedPoints.slice(shownCount, showable).join('');
        shownCount = showable;
      }
      return { shown, count: last.hits.length };
    },
  };
}

