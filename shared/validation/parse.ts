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

/** JSON.parse that throws PayloadParseError instead of SyntaxError. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PayloadParseError(['body: malformed JSON'], { cause: error });
  }
}
