import { normalizeWord } from './normalize-text';

/**
 * The words as an Aho–Corasick automaton over folded code points: one pass over a text finds every word, however
 * many there are. Written here rather than taken from a package: no package keeps the map from the folded text back
 * to the original that masking needs (normalize-text.ts), and this is some 50 lines with no cold-start cost, where
 * `indexOf` per word would read a 3,000-character answer once per word at every update of a streamed card.
 */
export interface WordTrie {
  /** Per node: the next node by folded code point. Node 0 is the root. */
  next: Array<Map<number, number>>;
  /** Per node: the node of the longest proper suffix of its path that is also a path (the failure link). */
  fail: number[];
  /** Per node: the length of its path. */
  depth: number[];
  /** Per node: the lengths of the words that end here: its own, and those that are a suffix of it. */
  ends: number[][];
}

export function buildWordTrie(words: readonly string[]): WordTrie {
  const trie: WordTrie = { next: [new Map()], fail: [0], depth: [0], ends: [[]] };
  for (const word of words) {
    const points = normalizeWord(word);
    if (points.length === 0) continue;
    let node = 0;
    for (const point of points) {
      let child = trie.next[node]?.get(point);
      if (child === undefined) {
        child = trie.next.push(new Map()) - 1;
        trie.fail.push(0);
        trie.depth.push((trie.depth[node] ?? 0) + 1);
        trie.ends.push([]);
        trie.next[node]?.set(point, child);
      }
      node = child;
    }
    if (!trie.ends[node]?.includes(points.length)) trie.ends[node]?.push(points.length);
  }
  // Breadth first: a failure link points to a shorter path, whose own links and ends are then complete.
  const queue = [...(trie.next[0]?.values() ?? [])];
  for (let index = 0; index < queue.length; index += 1) {
    const node = queue[index] ?? 0;
    for (const [point, child] of trie.next[node] ?? []) {
      const fail = stepWordTrie(trie, trie.fail[node] ?? 0, point);
      trie.fail[child] = fail;
      trie.ends[child]?.push(...(trie.ends[fail] ?? []));
      queue.push(child);
    }
  }
  return trie;
}

/** The node after reading `point` at `node`, falling back along the failure links. */
export function stepWordTrie(trie: WordTrie, node: number, point: number): number {
  let at = node;
  for (;;) {
    const child = trie.next[at]?.get(point);
    if (child !== undefined) return child;
    if (at === 0) return 0;
    at = trie.fail[at] ?? 0;
  }
}

/**
 * How many folded code points at the end of a text read up to `node` could still grow into a word: the longest
 * suffix on the failure links whose node has children (a node without is a whole word and nothing more).
 */
export function openDepth(trie: WordTrie, node: number): number {
  let open = node;
  while (open !== 0 && (trie.next[open]?.size ?? 0) === 0) open = trie.fail[open] ?? 0;
  return trie.depth[open] ?? 0;
}
