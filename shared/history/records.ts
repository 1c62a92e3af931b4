import * as v from 'valibot';

/**
 * One JSON line per record in a conversation's appendable object. Every message the worker takes on leaves a
 * `claim` (who is answering it, until when) and ends with exactly one terminal record: `turn` (a model answer),
 * `reset` (history forgotten) or `done` (answered without the model: help, a refusal, an error message). The
 * terminal record is what makes a redelivered or retried message a no-op.
 */
const base = { id: v.string(), at: v.number() };

export const ClaimRecordSchema = v.object({ t: v.literal('claim'), ...base, by: v.string(), until: v.number() });
export const TurnRecordSchema = v.object({
  t: v.literal('turn'),
  ...base,
  user: v.string(),
  assistant: v.string(),
  /** Who spoke, in a group whose history is shared by all members. */
  speaker: v.optional(v.string()),
  tokens: v.optional(v.number()),
});
export const ResetRecordSchema = v.object({ t: v.literal('reset'), ...base });
export const DoneRecordSchema = v.object({ t: v.literal('done'), ...base, kind: v.string() });

const HistoryRecordSchema = v.variant('t', [ClaimRecordSchema, TurnRecordSchema, ResetRecordSchema, DoneRecordSchema]);

export type ClaimRecord = v.InferOutput<typeof ClaimRecordSchema>;
export type TurnRecord = v.InferOutput<typeof TurnRecordSchema>;
export type HistoryRecord = v.InferOutput<typeof HistoryRecordSchema>;
export type TerminalRecord = Exclude<HistoryRecord, ClaimRecord>;

/** Parses the JSONL tail; a line that is not a known record is skipped (counted), never fatal. */
export function parseRecords(text: string): { records: HistoryRecord[]; skipped: number } {
  const records: HistoryRecord[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const result = v.safeParse(HistoryRecordSchema, JSON.parse(line));
      if (result.success) records.push(result.output);
      else skipped += 1;
    } catch {
      skipped += 1;
    }
  }
  return { records, skipped };
}

export const serializeRecord = (record: HistoryRecord): string => `${JSON.stringify(record)}\n`;
