import type { Logger } from '../../logging/logger';
import { DEFAULT_SPLIT_LIMITS, type SplitMarkdownOptions } from './split-markdown';

/** The parts of a reply (replier.ts): which to skip on a retry, room for the @mention, and each part's title. */

const DEFAULT_TITLE = '回复';
const TITLE_LENGTH = 20;

/** `skipParts` as a count of leading parts; more than there are means all of them went out already. */
export function partsToSkip(skipParts: number | undefined, parts: number, logger: Logger): number {
  if (skipParts === undefined) return 0;
  if (!Number.isSafeInteger(skipParts) || skipParts < 0) {
    throw new RangeError(`skipParts must be a whole number of parts, not ${String(skipParts)}`);
  }
  if (skipParts > parts) logger.warn('skipParts is more than the answer has parts; nothing left to send', { skipParts, parts });
  return Math.min(skipParts, parts);
}

/** A one-line plain-text summary of a part for the chat list and notification, where markdown is not rendered. */
export function summarizeTitle(markdown: string, fallback = DEFAULT_TITLE): string {
  for (const line of markdown.split('\n')) {
    if (/^\s*(`{3,}|~{3,})/.test(line)) continue;
    const plain = line
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]*>/g, '')
      .replace(/^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)+/, '')
      .replace(/\*\*|__|~~|[`*]/g, '')
      .replace(/\|/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    if (!/[\p{L}\p{N}]/u.test(plain)) continue;
    const chars = Array.from(plain);
    return chars.length <= TITLE_LENGTH ? plain : `${chars.slice(0, TITLE_LENGTH - 1).join('')}…`;
  }
  return fallback;
}

/** Leaves room in every part for the mention that the first one will carry. */
export function reserve(split: SplitMarkdownOptions, prefix: string): SplitMarkdownOptions {
  if (prefix === '') return split;
  return {
    maxChars: (split.maxChars ?? DEFAULT_SPLIT_LIMITS.maxChars) - prefix.length,
    maxBytes: (split.maxBytes ?? DEFAULT_SPLIT_LIMITS.maxBytes) - Buffer.byteLength(prefix),
  };
}
