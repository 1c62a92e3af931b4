/**
 * The form sensitive words are compared in (docs/controls.md §4): each character NFKC-folded on its own (full-width
 * letters, digits and punctuation become half-width, the ideographic space a space), lower-cased, and dropped when it
 * is whitespace, zero-width or a common separator, so "敏 感 词", "敏*感*词", "ＢＡＤ" and "b a d" all read as the word.
 * Each character is folded alone, never with its neighbours, so the folded form of a text that grows only grows:
 * a streamed answer can be checked as it arrives (see holdBack in sensitive-matcher.ts).
 */
export interface NormalizedText {
  /** The original text's code points (an emoji is one, not two UTF-16 units). */
  points: string[];
  /** The folded code points that remain. */
  folded: number[];
  /** For each folded code point, the index in `points` it came from (NFKC may turn one into several). */
  origin: number[];
}

/**
 * Whitespace, zero-width and format characters (ZWSP, ZWNJ, ZWJ, bidi marks, word joiner, BOM, soft hyphen,
 * Mongolian vowel separator, variation selectors) and the separators people put between a word's characters; their
 * full-width forms (＊．－＿｜／) are NFKC-folded to these first. Middle dots: Latin, katakana, hyphenation point,
 * bullet; dashes: hyphen to horizontal bar.
 */
const IGNORED = /[\s\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\u00ad\u180e\ufe00-\ufe0f*·・‧•.\-_|/\\\u2010-\u2015]/u;

const ASCII_IGNORED: readonly boolean[] = Array.from({ length: 0x80 }, (_, code) => IGNORED.test(String.fromCharCode(code)));

export const normalizeText = (text: string): NormalizedText => appendNormalized({ points: [], folded: [], origin: [] }, text);

/** Adds `text` to the end of `into` (the same as normalizing the whole again, since characters fold alone). */
export function appendNormalized(into: NormalizedText, text: string): NormalizedText {
  const { points, folded, origin } = into;
  for (const point of text) {
    const index = points.push(point) - 1;
    const code = point.codePointAt(0) ?? 0;
    // ASCII and the common CJK block fold without calling normalize: most of what a Chinese answer holds.
    if (code < 0x80 || (code >= 0x4e00 && code <= 0x9fff)) {
      if (code >= 0x80 || !ASCII_IGNORED[code]) {
        folded.push(code >= 0x41 && code <= 0x5a ? code + 0x20 : code);
        origin.push(index);
      }
      continue;
    }
    for (const char of point.normalize('NFKC').toLowerCase()) {
      if (IGNORED.test(char)) continue;
      folded.push(char.codePointAt(0) ?? 0);
      origin.push(index);
    }
  }
  return into;
}

/** A word as the matcher looks for it: folded the same way, as code points (empty when nothing is left). */
export const normalizeWord = (word: string): number[] => normalizeText(word).folded;

/** Whether a folded code point is a Latin letter or a digit (where a spaced-out hit needs a word start). */
export const isLatinAlphanumeric = (point: number): boolean => (point >= 0x61 && point <= 0x7a) || (point >= 0x30 && point <= 0x39);
