import * as v from 'valibot';
import { PayloadParseError } from '../errors';

/**
 * Parses `input` with a valibot schema, or throws one PayloadParseError whose issues name the path and the
 * expectation, never the received value (it may be a secret or a whole message).
 */
export function parseWith<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const issues = result.issues.map((issue) => {
    const path = v.getDotPath(issue) ?? '(root)';
    return issue.expected ? `${path}: expected ${issue.expected}` : `${path}: ${issue.message.split(':')[0]}`;
  });
  throw new PayloadParseError(issues);
}

/** Far deeper than any DingTalk callback or worker event (richText nests four levels); deeper is an attack. */
export const MAX_JSON_DEPTH = 64;

/**
 * JSON.parse that throws PayloadParseError instead of SyntaxError, and also for input nested deeper than
 * `maxDepth` (counted by a scan, before anything recursive runs) or holding a string with a lone surrogate, which
 * no UTF-8 sender can produce and which would turn into U+FFFD or an error further on.
 */
export function parseJson(text: string, maxDepth: number = MAX_JSON_DEPTH): unknown {
  if (jsonDepth(text) > maxDepth) throw new PayloadParseError([`body: nested deeper than ${maxDepth} levels`]);
  let malformedString = false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, (key, value: unknown) => {
      if (!key.isWellFormed() || (typeof value === 'string' && !value.isWellFormed())) malformedString = true;
      return value;
    });
  } catch (error) {
    throw new PayloadParseError(['body: malformed JSON'], { cause: error });
  }
  if (malformedString) throw new PayloadParseError(['body: a string is not well-formed Unicode']);
  return parsed;
}

/** The deepest nesting of [ and { outside strings; malformed text is left for JSON.parse to refuse. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c) index += 1; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x7b || char === 0x5b) {
      depth += 1;
      if (depth > deepest) deepest = depth;
    } else if (char === 0x7d || char === 0x5d) {
      depth -= 1;
    }
  }
  return deepest;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes → text, refusing invalid UTF-8 instead of silently replacing it with U+FFFD. */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch (error) {
    throw new PayloadParseError([`${what}: invalid UTF-8`], { cause: error });
  }
}
