import { FENCE_OPENER, isFenceCloser } from '../../markdown/fences';

/**
 * Splits a model answer into DingTalk-sized markdown messages. The limits are guesses on the safe side of what
 * DingTalk documents or was seen to enforce (docs/dingtalk.md §4 "Lengths"): clients stop rendering long
 * markdown near 3,500 characters, group msgParam allows 15,000 bytes and the webhook body 20,000 bytes, so 12,000
 * bytes of text leave room for the title, the @mention and JSON escaping.
 *
 * Cuts prefer blank lines between paragraphs, then line ends, then sentence ends or spaces, then any character
 * boundary outside a surrogate pair. A fenced code block stays whole when it fits a part; when it alone is too long it
 * is closed at the end of each part and reopened, with its language, at the start of the next. Whitespace at a cut
 * is dropped; no other character is.
 */
export interface SplitMarkdownOptions {
  /** UTF-16 code units per part (a safe upper bound on "characters"). Default 3,000. */
  maxChars?: number;
  /** UTF-8 bytes per part. Default 12,000. */
  maxBytes?: number;
}

interface Limits {
  maxChars: number;
  maxBytes: number;
}

interface Unit {
  start: number;
  end: number;
  /** Set for a fenced code block: its marker (``` or ~~~, maybe longer, with indent) and whether it was closed. */
  fence?: { marker: string; closed: boolean };
}

export const DEFAULT_SPLIT_LIMITS = { maxChars: 3000, maxBytes: 12_000 } as const;

const SOFT_BREAK = new Set([' ', '\t', '。', '！', '？', '；', '，']);

export function splitMarkdown(markdown: string, options: SplitMarkdownOptions = {}): string[] {
  const limits = {
    maxChars: options.maxChars ?? DEFAULT_SPLIT_LIMITS.maxChars,
    maxBytes: options.maxBytes ?? DEFAULT_SPLIT_LIMITS.maxBytes,
  };
  if (!(limits.maxChars >= 16 && limits.maxBytes >= 64)) throw new RangeError('split limits are too small');
  const parts: string[] = [];
  let current: string | undefined;
  let previousEnd = 0;
  for (const unit of parseUnits(markdown)) {
    const text = markdown.slice(unit.start, unit.end);
    const separator = markdown.slice(previousEnd, unit.start);
    previousEnd = unit.end;
    if (current !== undefined && fits(current + separator + text, limits)) {
      current += separator + text;
      continue;
    }
    if (fits(text, limits)) {
      if (current !== undefined) parts.push(current);
      current = text;
      continue;
    }
    // Too long for any part: its first lines may fill what is left of the current one, so that an intro such as
    // "Here is the code:" or a heading stays with what it introduces.
    const room = current === undefined ? undefined : remaining(current + separator, limits);
    const pieces = unit.fence ? splitFence(text, unit.fence, limits, room) : packLines(text.split('\n'), limits, room);
    if (current !== undefined) {
      const head = pieces.shift();
      parts.push(head ? current + separator + head : current);
    }
    parts.push(...pieces.slice(0, -1));
    current = pieces.at(-1);
  }
  if (current !== undefined) parts.push(current);
  return parts.filter((part) => part.trim() !== '');
}

/** Paragraphs (runs of non-blank lines) and fenced code blocks, as offsets; blank lines between them are not kept. */
function parseUnits(markdown: string): Unit[] {
  const units: Unit[] = [];
  let open: Unit | undefined;
  let offset = 0;
  for (const line of markdown.split('\n')) {
    const start = offset;
    const end = start + line.length;
    offset = end + 1;
    const fence = open?.fence;
    if (open && fence) {
      open.end = end;
      if (isFenceCloser(line, fence.marker)) {
        fence.closed = true;
        units.push(open);
        open = undefined;
      }
      continue;
    }
    const opener = FENCE_OPENER.exec(line.trimEnd());
    if (opener || line.trim() === '') {
      if (open) units.push(open);
      const marker = `${opener?.[1] ?? ''}${opener?.[2] ?? ''}`;
      open = opener ? { start, end, fence: { marker, closed: false } } : undefined;
      continue;
    }
    if (open) open.end = end;
    else open = { start, end };
  }
  if (open) units.push(open);
  return units;
}

/**
 * A code block too long for one part: chunks of its lines, each wrapped in the block's own fence lines. With `room`,
 * the first element is the chunk that fits there, or '' when not even one line does.
 */
function splitFence(text: string, fence: { marker: string; closed: boolean }, limits: Limits, room?: Limits): string[] {
  const lines = text.split('\n');
  const opener = (lines[0] ?? '').trimEnd();
  const body = lines.slice(1, fence.closed ? -1 : undefined);
  const closer = fence.closed ? (lines.at(-1) ?? fence.marker) : fence.marker;
  const overhead = `${opener}\n\n${fence.marker}`;
  const budget = remaining(overhead, limits);
  // A fence line that eats most of the part: give up on keeping the block renderable rather than loop on tiny parts.
  if (budget.maxChars < limits.maxChars / 2 || budget.maxBytes < limits.maxBytes / 2) {
    return packLines(lines, limits, room);
  }
  const chunks = packLines(body, budget, room && remaining(overhead, room));
  return chunks.map((chunk, index) => {
    const last = index === chunks.length - 1;
    if (room && index === 0 && chunk === '') return '';
    if (last && !fence.closed) return `${opener}\n${chunk}`;
    return `${opener}\n${chunk}\n${last ? closer : fence.marker}`;
  });
}

/**
 * Greedily joins lines with '\n' up to the limits; a line longer than a part is cut by `hardCut`. With `room`, the
 * first element holds the whole lines that fit there ('' when none does).
 */
function packLines(lines: readonly string[], limits: Limits, room?: Limits): string[] {
  const out: string[] = [];
  let next = 0;
  if (room) {
    let head: string | undefined;
    for (; next < lines.length; next += 1) {
      const joined = head === undefined ? (lines[next] ?? '') : `${head}\n${lines[next] ?? ''}`;
      if (!fits(joined, room)) break;
      head = joined;
    }
    // Blank lines alone are not worth a place there; they start the next part instead.
    if (head === undefined || head.trim() === '') next = 0;
    out.push(next === 0 ? '' : (head ?? ''));
  }
  let current: string | undefined;
  for (const line of lines.slice(next)) {
    if (current !== undefined && fits(`${current}\n${line}`, limits)) {
      current = `${current}\n${line}`;
      continue;
    }
    if (current !== undefined) out.push(current);
    const pieces = fits(line, limits) ? [line] : hardCut(line, limits);
    out.push(...pieces.slice(0, -1));
    current = pieces.at(-1);
  }
  if (current !== undefined) out.push(current);
  return out;
}

/** Cuts after the last sentence end or space in the second half of the window, else at the window's end. */
function hardCut(line: string, limits: Limits): string[] {
  const out: string[] = [];
  let rest = line;
  while (!fits(rest, limits)) {
    let chars = 0;
    let bytes = 0;
    let index = 0;
    let softBreak = 0;
    while (index < rest.length) {
      const codePoint = rest.codePointAt(index) ?? 0;
      const width = codePoint > 0xffff ? 2 : 1;
      const size = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
      if (chars + width > limits.maxChars || bytes + size > limits.maxBytes) break;
      chars += width;
      bytes += size;
      index += width;
      if (SOFT_BREAK.has(rest[index - 1] ?? '')) softBreak = index;
    }
    const cut = softBreak > index / 2 ? softBreak : index;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest !== '') out.push(rest);
  return out;
}

function remaining(used: string, limits: Limits): Limits {
  return { maxChars: limits.maxChars - used.length, maxBytes: limits.maxBytes - Buffer.byteLength(used) };
}

function fits(text: string, limits: Limits): boolean {
  return text.length <= limits.maxChars && Buffer.byteLength(text) <= limits.maxBytes;
}
