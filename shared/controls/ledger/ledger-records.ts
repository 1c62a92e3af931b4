import * as v from 'valibot';
import { CARD_STEPS } from '../budget/card-step';

/**
 * The lines of a robot's control ledger in the bucket (docs/controls.md §1): the day objects
 * `<robot>/usage/<YYYY-MM-DD>.jsonl` and the audit object `<robot>/admin.jsonl`. Every line is one JSON object on
 * one line; a line that does not fit these schemas (torn by a crash, or foreign) is skipped by every reader alike.
 */
const count = v.pipe(v.number(), v.finite(), v.minValue(0));
const at = v.pipe(v.number(), v.finite());
const id = v.pipe(v.string(), v.minLength(1));

/** A turn's real usage, replacing its admit's estimate; it rides on this instance's next line of the same day. */
const SettleSchema = v.object({ id, tokens: v.optional(count), calls: count });
export type Settle = v.InferOutput<typeof SettleSchema>;
const settle = v.optional(v.array(SettleSchema));

/** `r`: the admissions of the minute before the open line, so a rate limit holds across midnight. */
const CarriedSchema = v.object({ n: v.optional(v.string()), tokens: count, r: v.optional(v.array(at)) });
export type Carried = v.InferOutput<typeof CarriedSchema>;

export const ForcedSchema = v.object({
  step: v.picklist(CARD_STEPS),
  reason: v.picklist(['quota-exhausted', 'qps-limit']),
  at,
  /** Absent: until the month ends (a day object never outlives its month). */
  until: v.optional(at),
});
export type Forced = v.InferOutput<typeof ForcedSchema>;

export const DayLineSchema = v.variant('t', [
  /** Position 0: what this month used before this day (the newest earlier day's totals), and a step still forced. */
  v.object({
    t: v.literal('open'),
    day: v.string(),
    at,
    users: v.record(v.string(), CarriedSchema),
    groups: v.record(v.string(), CarriedSchema),
    calls: count,
    forced: v.optional(ForcedSchema),
    /** How far admin.jsonl was announced: a new day starts knowing which admin changes every instance was told of. */
    admin: v.optional(count),
  }),
  v.object({
    t: v.literal('admit'),
    id,
    u: id,
    n: v.optional(v.string()),
    g: v.optional(id),
    at,
    est: v.object({ tokens: count, calls: count }),
    settle,
  }),
  /** The refused user was told today (the once-a-day refusal notice). */
  v.object({ t: v.literal('told'), u: id, id: v.optional(id), at, settle }),
  /** DingTalk answered 90020 (quota-exhausted) or a QpsLimit. */
  v.object({ t: v.literal('limit'), kind: v.picklist(['quota-exhausted', 'qps-limit']), at, settle }),
  /** admin.jsonl has grown to `pos` bytes: readers behind it read it again from where they were. */
  v.object({ t: v.literal('admin'), at, pos: count, settle }),
  /** Settlements only: written when someone asks what is left (`/usage`) while this instance holds some. */
  v.object({ t: v.literal('settle'), at, settle }),
]);
export type DayLine = v.InferOutput<typeof DayLineSchema>;
export type OpenLine = Extract<DayLine, { t: 'open' }>;

const quotaValue = v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)));
const ChangeSchema = v.variant('kind', [
  v.object({ kind: v.literal('block'), user: id }),
  v.object({ kind: v.literal('unblock'), user: id }),
  v.object({
    kind: v.literal('quota'),
    scope: v.picklist(['user', 'group']),
    id,
    values: v.object({ messagesPerMinute: quotaValue, tokensPerDay: quotaValue, tokensPerMonth: quotaValue }),
  }),
  v.object({ kind: v.literal('quota-reset'), scope: v.picklist(['user', 'group']), id }),
]);

/** One admin change in admin.jsonl: who, what, when (the audit record, kept for good). */
export const AdminLineSchema = v.object({ t: v.literal('admin'), by: id, byName: v.optional(v.string()), at, change: ChangeSchema });
export type AdminLine = v.InferOutput<typeof AdminLineSchema>;

/** A day line of kind `T`, as written (settlements are added by the store). */
export type AppendedLineOf<T extends DayLine['t']> = Extract<DayLine, { t: T }>;
