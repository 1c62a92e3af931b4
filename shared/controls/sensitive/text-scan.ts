import { appendNormalized, isLatinAlphanumeric, normalizeText, type NormalizedText } from './normalize-text';
import { openDepth, stepWordTrie, type WordTrie } from './word-trie';

/** One hit, as indices into the original text's code points, both ends included. */
export interface Hit {
  first: number;
  last: number;
}

/** A text read up to its end: what a longer text that begins with it can be read on from. */
export interface Scan {
  text: string;
  normalized: NormalizedText;
  /** The automaton's node after the folded text. */
  node: number;
  hits: Hit[];
}

export const emptyScan = (): Scan => ({ text: '', normalized: normalizeText(''), node: 0, hits: [] });

/** Reads `added` on from where `scan` ended (characters fold alone, so this is the same as reading it all again). */
export function extend(trie: WordTrie, scan: Scan, added: string): Scan {
  const { normalized, hits } = scan;
  const from = normalized.folded.length;
  appendNormalized(normalized, added);
  const { folded, origin } = normalized;
  let node = scan.node;
  for (let end = from; end < folded.length; end += 1) {
    node = stepWordTrie(trie, node, folded[end] ?? 0);
    for (const length of trie.ends[node] ?? []) {
      const start = end - length + 1;
      const hit = { first: origin[start] ?? 0, last: origin[end] ?? 0 };
      if (!spacedInsideWord(hit, start, end, normalized)) hits.push(hit);
    }
  }
  return { text: scan.text + added, normalized, node, hits };
}

export function masked(points: readonly string[], hits: readonly Hit[]): string[] {
  const result = points.slice();
  for (const hit of hits) result.fill('*', hit.first, hit.last + 1);
  return result;
}

/**
 * The original characters the folded suffix that could grow into a word came from, separators after it included;
 * at least a lone high surrogate at the end, half of a character whose other half is still to come.
 */
export function holdOf(trie: WordTrie, { normalized: { points, folded, origin }, node }: Scan): number {
  const depth = openDepth(trie, node);
  const open = depth === 0 ? 0 : points.length - (origin[folded.length - depth] ?? points.length);
  return Math.max(open, /^[\ud800-\udbff]$/.test(points[points.length - 1] ?? '') ? 1 : 0);
}

/**
 * A hit spread over separators that begins inside a run of Latin letters or digits, as "bad" in "grab adult", is two
 * words that happen to meet, not the word spaced out: it does not count. A hit without separators counts wherever it
 * is. Only the character before a hit is looked at, so a hit never disappears as more text arrives.
 */
function spacedInsideWord(hit: Hit, start: number, end: number, { folded, origin, points }: NormalizedText): boolean {
  if (hit.first === 0 || !isLatinAlphanumeric(folded[start] ?? 0)) return false;
  // Spaced: some original character inside the hit left nothing in the folded text.
  const spaced = hit.last - hit.first + 1 > new Set(origin.slice(start, end + 1)).size;
  if (!spaced) return false;
  const before = normalizeText(points[hit.first - 1] ?? '').folded;
  return before.length > 0 && isLatinAlphanumeric(before[before.length - 1] ?? 0);
}
