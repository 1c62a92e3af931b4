import * as v from 'valibot';
import { jsonLine, parseJsonLines } from '../validation/json-lines';

/**
 * One JSON line per record in a conversation's appendable object. A message the worker answers leaves exactly one
 * terminal record: `turn` (a model answer), `reset` (history forgotten) or `done` (answered without the model: help,
 * a refusal, an error message). It is written before the reply goes out and holds the reply, so a retry delivers
 * the stored reply instead of asking the model again. A `state` record may go out with it: the conversation's
 * settings (persona, model) and token use as a snapshot, so they are read with the tail. `sealed` and `rotated` mark
 * the move to a fresh object (shared/history/rotation.ts). Who is answering a message is not kept here but in its
 * claim object (shared/history/message-claims.ts); `claim` lines of older versions are still read, and ignored.
 */
const base = { id: v.string(), at: v.number() };

/** Token use of a conversation since it began (its last reset). */
export const UsageSumSchema = v.object({
  turns: v.number(),
  prompt: v.number(),
  completion: v.number(),
  since: v.number(),
  /** Some turns were counted by estimate, because the provider reported no usage. */
  estimated: v.optional(v.boolean()),
});

export const ClaimRecordSchema = v.object({ t: v.literal('claim'), ...base, by: v.string(), until: v.number() });
export const TurnRecordSchema = v.object({
  t: v.literal('turn'),
  ...base,
  user: v.string(),
  assistant: v.string(),
  /** Who spoke, in a group whose history is shared by all members. */
  speaker: v.optional(v.string()),
  /** Pictures the user sent with the text; they are not kept, only counted. */
  images: v.optional(v.number()),
  /** Total tokens of this turn (prompt and completion). */
  tokens: v.optional(v.number()),
  model: v.optional(v.string()),
  /** The conversation's token use including this turn. */
  sum: v.optional(UsageSumSchema),
  /** The markdown reply, when it is not `assistant` itself (reasoning shown, a note added, '' when a card held it). */
  reply: v.optional(v.string()),
  /**
   * Estimated tokens of `user` and `assistant` as later prompts carry them (shared/history/fit-turns.ts), worked out
   * once when the turn is written, so a later turn prices its history without reading every character again.
   */
  estimate: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});
export const ResetRecordSchema = v.object({ t: v.literal('reset'), ...base });
export const DoneRecordSchema = v.object({ t: v.literal('done'), ...base, kind: v.string(), reply: v.optional(v.string()) });
/** The object is being replaced; `by` holds the move until `until`, when another writer may take it over. */
export const SealedRecordSchema = v.object({ t: v.literal('sealed'), ...base, by: v.string(), until: v.number() });
/** The first line of a fresh object: why the old one was replaced, and where its copy was kept. */
export const RotatedRecordSchema = v.object({
  t: v.literal('rotated'),
  ...base,
  reason: v.picklist(['full', 'not-appendable']),
  archive: v.optional(v.string()),
});
/** A snapshot, not a change: the latest one after the last reset holds. Absent fields mean the configured default. */
export const StateRecordSchema = v.object({
  t: v.literal('state'),
  ...base,
  persona: v.optional(v.string()),
  model: v.optional(v.string()),
  sum: v.optional(UsageSumSchema),
});

const HistoryRecordSchema = v.variant('t', [
  ClaimRecordSchema,
  TurnRecordSchema,
  ResetRecordSchema,
  DoneRecordSchema,
  StateRecordSchema,
  SealedRecordSchema,
  RotatedRecordSchema,
]);

export type ClaimRecord = v.InferOutput<typeof ClaimRecordSchema>;
export type TurnRecord = v.InferOutput<typeof TurnRecordSchema>;
export type StateRecord = v.InferOutput<typeof StateRecordSchema>;
export type UsageSum = v.InferOutput<typeof UsageSumSchema>;
export type HistoryRecord = v.InferOutput<typeof HistoryRecordSchema>;
export type RotatedRecord = v.InferOutput<typeof RotatedRecordSchema>;
export type TerminalRecord = Extract<HistoryRecord, { t: 'turn' | 'reset' | 'done' }>;

export const isTerminal = (record: HistoryRecord): record is TerminalRecord =>
  record.t === 'turn' || record.t === 'reset' || record.t === 'done';

/** The record that ends message `id`, when the lines read hold one. */
export const terminalRecordOf = (records: readonly HistoryRecord[], id: string): TerminalRecord | undefined =>
  records.find((record): record is TerminalRecord => record.id === id && isTerminal(record));

/** Parses the JSONL tail; a line that is not a known record is skipped (counted), never fatal. */
export const parseRecords = (text: string): { records: HistoryRecord[]; skipped: number } => parseJsonLines(HistoryRecordSchema, text);

export const serializeRecord = (record: HistoryRecord): string => jsonLine(record);
export const serializeRecords = (records: readonly HistoryRecord[]): string => records.map(serializeRecord).join('');
