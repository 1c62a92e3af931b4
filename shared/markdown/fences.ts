/** Fenced code blocks, as both the reply splitter (a channel's) and the card cutter (shared/cards/) read them. */

/** A fenced code block's opening line (trimmed at the end): indent, marker (``` or ~~~, maybe longer), info. */
export const FENCE_OPENER = /^( {0,3})(`{3,}|~{3,})([^`]*)$/;

/** Whether `line` closes a block opened with `marker` (indent + marker): the same character, at least as long. */
export function isFenceCloser(line: string, marker: string): boolean {
  const fence = marker.trimStart();
  const match = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
  return match?.[1] !== undefined && match[1][0] === fence[0] && match[1].length >= fence.length;
}
