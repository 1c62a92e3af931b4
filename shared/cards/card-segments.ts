import type { MarkdownCut } from './cut-markdown';

/**
 * Which part of the answer card `index` shows: `reopen` and the text from `start` on. The cards before it are
 * finalized and hold `consumed` (the text before `start`), so they are never written again.
 */
export interface CardSegment {
  index: number;
  start: number;
  /** A code block's opening line when the previous card was cut inside it; else ''. */
  reopen: string;
  consumed: string;
}

export const FIRST_SEGMENT: CardSegment = { index: 0, start: 0, reopen: '', consumed: '' };

const BLANK_LINES = /(?:[ \t]*\r?\n)+/y;

/**
 * Where the segment's visible text starts. cutMarkdown skips blank lines at a cut only within its window (to stay
 * stable while the text grows); the rest of them are skipped here, so no card starts with an empty line.
 */
function visibleStart(segment: CardSegment, text: string): number {
  BLANK_LINES.lastIndex = segment.start;
  return segment.start + (BLANK_LINES.exec(text)?.[0].length ?? 0);
}

export function segmentText(segment: CardSegment, text: string): string {
  return segment.reopen + text.slice(visibleStart(segment, text));
}

export function hasContent(segment: CardSegment, text: string): boolean {
  return text.slice(segment.start).trim() !== '';
}

/**
 * The display text is meant only to grow, but nothing forces it to (a caller may rewrite it). When it no longer
 * extends what the finalized cards hold, the current card shows all of it: better a repeat than a blank card.
 */
export function rebase(segment: CardSegment, text: string): CardSegment {
  if (segment.start === 0 || text.startsWith(segment.consumed)) return segment;
  return { ...segment, start: 0, reopen: '', consumed: '' };
}

/** The segment after `cut`, which was made in `segmentText(segment, text)`. */
export function nextSegment(segment: CardSegment, text: string, cut: MarkdownCut): CardSegment {
  // restStart counts the reopen prefix, which is not in `text`; a cut always lies past it (it is short by design).
  const start = visibleStart(segment, text) + Math.max(0, cut.restStart - segment.reopen.length);
  return { index: segment.index + 1, start, reopen: cut.reopen, consumed: text.slice(0, start) };
}
