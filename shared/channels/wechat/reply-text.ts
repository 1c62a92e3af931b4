/**
 * Answers as WeChat text messages: WeChat shows markdown as it is typed (docs/wechat.md §5), so its common marks go
 * (headings, bold, code fences, inline code, links), and the text is cut into parts that each fit WeChat's text limit
 * in UTF-8 bytes, preferring a paragraph, then a line, then a sentence end as the place to cut.
 */
export const PART_MAX_BYTES = 2000;

export function plainText(markdown: string): string {
  return markdown
    .replace(/^[ \t]*(```|~~~)[^\n]*\n?/gm, '')
    .replace(/^#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$/gm, '$1')
    .replace(/\*\*(.+?)\*\*|__(.+?)__/g, (_match, a: string | undefined, b: string | undefined) => a ?? b ?? '')
    .replace(/`([^`\n]+)`/g, '$1')
    .replace(/!?\[([^\]\n]*)\]\((\S+?)\)/g, (_match, label: string, url: string) => (label === '' || label === url ? url : `${label}（${url}）`))
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Cuts `text` into parts of at most `maxBytes` UTF-8 bytes, never inside a character. */
export function splitByBytes(text: string, maxBytes: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (utf8Bytes(rest) > maxBytes) {
    const fits = longestPrefix(rest, maxBytes);
    const cut = preferredCut(rest.slice(0, fits));
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest !== '' || parts.length === 0) parts.push(rest);
  return parts;
}

/** The number of UTF-16 units of the longest prefix that fits, ending on a whole code point. */
function longestPrefix(text: string, maxBytes: number): number {
  let bytes = 0;
  let index = 0;
  for (const char of text) {
    const size = utf8Bytes(char);
    if (bytes + size > maxBytes) break;
    bytes += size;
    index += char.length;
  }
  return Math.max(index, 1);
}

/** A cut in the second half of the slice at a paragraph, line or sentence end; else the slice's end. */
function preferredCut(slice: string): number {
  const floor = Math.floor(slice.length / 2);
  for (const pattern of [/\n\n/g, /\n/g, /[。！？!?；;]\s*|\.\s+/g]) {
    let best = -1;
    for (const match of slice.matchAll(pattern)) best = match.index + match[0].length;
    if (best > floor) return best;
  }
  return slice.length;
}
