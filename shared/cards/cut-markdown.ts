import { FENCE_OPENER, isFenceCloser } from '../markdown/fences';

/**
 * Where an AI card that would outgrow its limit ends while an answer streams in: DingTalk clients show a card whose
 * markdown passed about 3,000 characters as blank (docs/dingtalk.md "AI card pitfalls"), so the answer
 * continues in a further card. Unlike splitMarkdown, which splits a finished answer, this makes one cut at a time in
 * a text that is still growing.
 *
 * Preference, among cut offsets in the second half of the window: the last blank line (or fence closing line)
 * outside a code block; else the last line end outside one; else the last line end inside one; else after a
 * sentence end (。！？； or .!? not followed by a letter or digit) or a space; else any offset outside a surrogate
 * pair. A cut inside a code block closes it in `head` and hands its opening line back as `reopen`, unless the fence
 * lines would eat more than a quarter of a card (then the block is simply cut, as splitMarkdown gives up too).
 *
 * Stability: everything is read from `text.slice(0, maxChars + 1)` only (the extra character tells whether the
 * window ends at a line end or inside a surrogate pair). So while the text grows, every prefix longer than
 * `maxChars` gets exactly the same cut, restStart included. The price: blank lines at the cut are skipped only as far
 * as that window reaches; the continuation may start with further blank lines, which markdown does not render.
 */
export interface MarkdownCut {
  /** The text before the cut, trailing whitespace trimmed, plus a closing fence line when cut in a code block. */
  head: string;
  /** Where the rest of `text` starts: past whitespace and blank lines at the cut, within the window. */
  restStart: number;
  /** The open code block's opening line and '\n', to prefix the rest with so it renders as code too; else ''. */
  reopen: string;
}

interface Fence {
  opener: string;
  marker: string;
  /** Whether closing and reopening it costs at most a quarter of a card, leaving room to make progress. */
  closable: boolean;
}

interface Line {
  start: number;
  /** Offset of its '\n', or of the window's end for the unfinished last line. */
  end: number;
  complete: boolean;
  blank: boolean;
  /** Starts like a fence line: never cut after a space in it. */
  fenceLike: boolean;
  before: Fence | undefined;
  after: Fence | undefined;
}

interface Candidate {
  cut: number;
  fence: Fence | undefined;
}

const SENTENCE_END = new Set(['。', '！', '？', '；', ' ', '\t']);
const ASCII_END = new Set(['.', '!', '?']);
const FENCE_LIKE = /^ {0,3}(`{3,}|~{3,})/;
const RANK = { paragraph: 0, lineEnd: 1, lineEndInCode: 2, sentence: 3, any: 4 } as const;

export function cutMarkdown(text: string, maxChars: number): MarkdownCut | undefined {
  if (!Number.isInteger(maxChars) || maxChars < 16) throw new RangeError('maxChars must be an integer of at least 16');
  if (text.length <= maxChars) return undefined;
  const window = text.slice(0, maxChars + 1);
  const half = Math.ceil(maxChars / 2);
  const found: (Candidate | undefined)[] = [];
  // Offsets are offered in increasing order, so the last offer of a rank is the latest cut of that kind.
  const offer = (rank: number, cut: number, fence: Fence | undefined): void => {
    const closing = fence?.closable ? fence.marker.length + 1 : 0;
    if (cut >= half && cut + closing <= maxChars) found[rank] = { cut, fence };
  };
  for (const line of scanLines(window, maxChars)) {
    for (let cut = Math.max(line.start + 1, half); cut < line.end && cut <= maxChars; cut += 1) {
      if (!line.fenceLike && isSoftBreak(window, cut)) offer(RANK.sentence, cut, line.before);
      if (!splitsSurrogatePair(window, cut)) offer(RANK.any, cut, line.before);
    }
    if (!line.complete) continue;
    if (line.after) {
      offer(RANK.lineEndInCode, line.end, line.after);
      continue;
    }
    offer(RANK.lineEnd, line.end, undefined);
    if (line.before || line.blank) offer(RANK.paragraph, line.end, undefined);
  }
  // Rank `any` always has an offer (fence lines take at most a quarter of the window); the fallback satisfies tsc.
  const { cut, fence } = found.find((candidate) => candidate !== undefined) ?? { cut: half, fence: undefined };
  const reopen = fence?.closable ? `${fence.opener}\n` : '';
  const head = window.slice(0, cut).trimEnd() + (reopen === '' ? '' : `\n${fence?.marker ?? ''}`);
  return { head, restStart: restAfter(window, cut), reopen };
}

/** The window's lines with the fence state before and after each; only complete lines open or close a block. */
function scanLines(window: string, maxChars: number): Line[] {
  const lines: Line[] = [];
  let fence: Fence | undefined;
  for (let start = 0; start < window.length; ) {
    const newline = window.indexOf('\n', start);
    const end = newline === -1 ? window.length : newline;
    const line = window.slice(start, end);
    const before = fence;
    if (newline !== -1) fence = fenceAfter(line, fence, maxChars);
    const fenceLike = FENCE_LIKE.test(line);
    lines.push({ start, end, complete: newline !== -1, blank: line.trim() === '', fenceLike, before, after: fence });
    start = end + 1;
  }
  return lines;
}

function fenceAfter(line: string, fence: Fence | undefined, maxChars: number): Fence | undefined {
  if (fence) return isFenceCloser(line, fence.marker) ? undefined : fence;
  const opener = line.trimEnd();
  const match = FENCE_OPENER.exec(opener);
  if (!match) return undefined;
  const marker = `${match[1] ?? ''}${match[2] ?? ''}`;
  return { opener, marker, closable: opener.length + marker.length + 2 <= maxChars / 4 };
}

function isSoftBreak(window: string, cut: number): boolean {
  const before = window[cut - 1] ?? '';
  // "3.14", "e.g", "example.com" are not sentence ends.
  return SENTENCE_END.has(before) || (ASCII_END.has(before) && !/[0-9A-Za-z]/.test(window[cut] ?? ''));
}

function splitsSurrogatePair(window: string, cut: number): boolean {
  const high = window.charCodeAt(cut - 1);
  const low = window.charCodeAt(cut);
  return high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff;
}

/** Past spaces after a mid-line cut, the line break, and blank lines, as far as the window reaches. */
function restAfter(window: string, cut: number): number {
  let start = cut;
  while (window[start] === ' ' || window[start] === '\t') start += 1;
  if (window[start] !== '\n') return start;
  start += 1;
  for (let newline = window.indexOf('\n', start); newline !== -1; newline = window.indexOf('\n', start)) {
    if (window.slice(start, newline).trim() !== '') break;
    start = newline + 1;
  }
  return start;
}
