/**
 * A tokenizer-free estimate of a text's tokens, kept on the high side of OpenAI's o200k_base (and so of the
 * similar BPE vocabularies of other providers). A real tokenizer would add megabytes of vocabulary to the worker's
 * cold start for a budget that only has to be safe, so instead the text is cut the way o200k_base cuts it before
 * merging (words, up to three digits, punctuation runs, whitespace), which no token crosses, and each piece is
 * priced by what it is made of:
 * - an ASCII word with vowels spread through it reads like a natural-language word: one token per six letters;
 *   one without (an identifier, base64, a hash) costs a token per two letters, as random letters do;
 * - ASCII punctuation costs two tokens per three characters; a run of digits is one token (the pre-split cut
 *   them into threes already); whitespace a token per four characters;
 * - a CJK character (Han, kana, Hangul) one token, other letters and marks (Thai, Cyrillic, Arabic, …) half a
 *   token, and anything else (emoji, their joiners and skin tones, symbols) a token per UTF-16 code unit.
 * test/unit/shared/history/estimate-tokens.test.ts holds it to at least 0.85 of the real count on a table of
 * samples; `bench/token-estimate.ts` prints how far above the real count it lands.
 */
/**
 * o200k_base's pre-split splits a word where its case changes (upper-case letters, then lower-case ones); under the
 * case-insensitive flag both of those classes take any cased letter, so the word alternatives reduce to one run of
 * letters and marks. Written that way the pattern compiles in about 2 ms instead of 12–16 ms, which a cold instance
 * pays on its first estimate. It cuts differently only where a letter without a case partner (nearly all of them the
 * mathematical letters 𝐀–𝞉) follows another letter, which then stays in one piece; `bench/token-estimate.ts` gives the
 * same estimate as before for every sample.
 */
const PIECES = /[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+(?:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+/giu;
const ASCII_WORD = /^[^A-Za-z]?([A-Za-z]+)('[a-z]+)?$/i;
const LETTER_OR_MARK = /[\p{L}\p{M}]/u;

export function estimateTokens(text: string): number {
  let tokens = 0;
  for (const [piece] of text.matchAll(PIECES)) tokens += pieceTokens(piece);
  return Math.ceil(tokens);
}

function pieceTokens(piece: string): number {
  const word = ASCII_WORD.exec(piece)?.[1];
  if (word !== undefined) return wordTokens(piece, word);
  const first = piece.charCodeAt(0);
  if (first >= 0x30 && first <= 0x39) return 1;
  if (/^\s+$/.test(piece)) return Math.ceil(piece.length / 4);
  let tokens = 0;
  let punctuation = 0;
  // By code point, without a string per character: this loop runs over every CJK character of the history each turn.
  for (let index = 0; index < piece.length; index += 1) {
    const code = piece.codePointAt(index) ?? 0;
    if (code > 0xffff) index += 1;
    if (code < 0x80) punctuation += 1;
    else tokens += otherTokens(code);
  }
  return tokens + Math.ceil((punctuation * 2) / 3);
}

/**
 * The 300 letter pairs found in the most o200k_base tokens made of letters (the rest of the 676 are rare inside
 * tokens): a word built of these merges into long tokens, while each rare pair in a word (base64, hashes, random
 * identifiers) usually means one more token. `bench/token-estimate.ts` checks the list against the vocabulary.
 */
export const COMMON_LETTER_PAIRS = [
  'aaabacadafagahaiajakalamanaparasatauavawayazbabebiblbobrbsbucacccechcickclcocrcsctcucydadddedidldodr',
  'dsdudyeaebecedeeefegeheiejekelemeneoepeqereseteuevewexeyezfafefffiflfofrftfugageggghgiglgngogrgsguha',
  'hehihlhohrhthuhyiaibicidieifigijikiliminioipirisitiuivixizjajejojukakekiklkokrksktkulaldlelilllmlols',
  'ltlulymambmemimmmompmsmunancndnenfngnhninknnnonsntnunvnynzoaobocodoeofogoiokolomonoooporosotouovowoy',
  'papephpiplpoppprpsptpuqurarbrcrdrerfrgrirkrlrmrnrorprrrsrtrurvrysascseshsiskslsmsospssstsuswsytatcte',
  'thtitltotrtstttutyuaubucudueufuguiukulumunupurusutvavevivowawewhwiwnwoxexixpxtyayeymynyoypyszazezizo',
].join('');
const COMMON_PAIRS = new Set(COMMON_LETTER_PAIRS.match(/../g));

/** A leading symbol (".", "#", "(") is a token of its own more often than not; a space merges with the word. */
function wordTokens(piece: string, word: string): number {
  const lower = word.toLowerCase();
  let rarePairs = 0;
  for (let index = 0; index + 1 < lower.length; index += 1) if (!COMMON_PAIRS.has(lower.slice(index, index + 2))) rarePairs += 1;
  const lead = /^[^ A-Za-z]/.test(piece) ? 1 : 0;
  return Math.ceil(word.length / 6 + rarePairs + lead);
}

/**
 * Common CJK characters have tokens of their own; those of extension A, the late additions at the end of the main
 * block (U+9FA6 on, added after the GB2312 and Big5 sets) and anything beyond the Basic
 * Multilingual Plane (most emoji, skin tones, flags) fall apart into their UTF-8 bytes or pairs of them.
 */
function otherTokens(code: number): number {
  if (code > 0xffff) return 3;
  if ((code >= 0x3400 && code <= 0x4dbf) || (code >= 0x9fa6 && code <= 0x9fff)) return 3;
  if (isCjk(code)) return 1;
  if (LETTER_OR_MARK.test(String.fromCharCode(code))) return 0.5;
  return 1;
}

/** Han, kana, Hangul and their radicals, compatibility forms and jamo: the ranges of one token per character. */
const CJK_RANGES = [0x1100, 0x11ff, 0x2e80, 0x2fdf, 0x3040, 0x30ff, 0x3100, 0x31ff, 0x4e00, 0x9fff, 0xac00, 0xd7af, 0xf900, 0xfaff];

function isCjk(code: number): boolean {
  for (let index = 0; index < CJK_RANGES.length; index += 2) {
    if (code >= (CJK_RANGES[index] as number) && code <= (CJK_RANGES[index + 1] as number)) return true;
  }
  return false;
}
