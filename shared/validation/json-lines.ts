import * as v from 'valibot';

/**
 * The lines of a JSONL object that are what `schema` says, in order; a blank, torn or foreign line is skipped
 * (counted), never fatal: an appendable object may end in half a line, or hold lines another writer put there.
 */
export function parseJsonLines<S extends v.GenericSchema>(schema: S, text: string): { records: Array<v.InferOutput<S>>; skipped: number } {
  const records: Array<v.InferOutput<S>> = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const result = v.safeParse(schema, JSON.parse(line));
      if (result.success) records.push(result.output);
      else skipped += 1;
    } catch {
      skipped += 1;
    }
  }
  return { records, skipped };
}

export const jsonLine = (value: unknown): string => `${JSON.stringify(value)}\n`;
