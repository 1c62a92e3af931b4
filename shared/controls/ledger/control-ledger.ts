import type { ApiLimitKind, CardStep, CardStepReason } from '../budget/card-step';
import type { LimitSettings, LimitValues } from '../robot-controls';

/**
 * The port to one robot's control ledger: the usage, limits, blocks and API budget that every instance shares through
 * the bucket (docs/controls.md §1). Built per invocation over the AppendLog; the view it reads is kept per
 * instance, so an ordinary turn costs one append. Ids are the channel's raw ids (staff id, openid, conversation id).
 */
export interface Subject {
  user: string;
  /** Shown in `/admin usage`; the latest one seen is kept. */
  userName?: string;
  /** The group's conversation id; undefined in a 1:1 chat. */
  group?: string;
}

export type LimitName =
  | 'user.messagesPerMinute'
  | 'user.tokensPerDay'
  | 'user.tokensPerMonth'
  | 'group.tokensPerDay'
  | 'group.tokensPerMonth';

export type Admission =
  | { admitted: true; state: ControlState }
  /** An admin blocked the user (the lists in the controls file are checked before the ledger). */
  | { admitted: false; reason: 'blocked'; state: ControlState }
  /** Over a limit: which, its value, and when the user may try again (ms since the epoch). */
  | { admitted: false; reason: 'limit'; limit: LimitName; value: number; resetsAt: number; state: ControlState };

export interface AdmitRequest {
  /** The message id: one admission per message, however often it is delivered (a second admit returns the first's answer). */
  id: string;
  subject: Subject;
  at: number;
  /** Reserved now, replaced by `settle`: the prompt's estimated tokens, and the card calls the step will cost. */
  estimate: { tokens: number; calls: number };
  /** The robot's limits from its controls file; the ledger applies the admins' quota changes on top. */
  limits: LimitSettings;
  /** An admin of the robot: counted like everyone, never blocked or limited (docs/controls.md §6). */
  exempt?: boolean;
}

/** What a subject has used; `recent` are the admission times of the last minute (rate limit, pacing). */
export interface SubjectUsage {
  name?: string;
  messagesToday: number;
  tokensToday: number;
  tokensMonth: number;
  recent: readonly number[];
}

export type AdminChange =
  | { kind: 'block'; user: string }
  | { kind: 'unblock'; user: string }
  /** New values for a user's or a group's limits; a value left out keeps the controls file's. `reset` drops them all. */
  | { kind: 'quota'; scope: 'user' | 'group'; id: string; values: Partial<LimitValues> }
  | { kind: 'quota-reset'; scope: 'user' | 'group'; id: string };

export interface AdminRecord {
  /** Who (the admin's sender id and name), what, when: the audit record kept in the bucket. */
  by: string;
  byName?: string;
  at: number;
  change: AdminChange;
}

export interface ControlState {
  /** The Beijing day (YYYY-MM-DD) and month (YYYY-MM) the counts are for. */
  day: string;
  month: string;
  users: ReadonlyMap<string, SubjectUsage>;
  groups: ReadonlyMap<string, SubjectUsage>;
  /** DingTalk OpenAPI calls counted today and this month (estimates until their turns settle). */
  calls: { day: number; month: number };
  /** Admission times of every turn in the last minute, across all instances: card pacing under the tenant's QPS. */
  recentTurns: readonly number[];
  /** The last step DingTalk's own answer forced (a 90020 or a QpsLimit), while it holds. */
  forcedStep: { step: CardStep; reason: CardStepReason; at: number; until: number | undefined } | undefined;
  blocked: ReadonlySet<string>;
  /** The admins' quota changes, by user id and by group id. */
  quotas: { user: ReadonlyMap<string, Partial<LimitValues>>; group: ReadonlyMap<string, Partial<LimitValues>> };
  /** The latest admin changes, newest last (at most 20), for `/admin status`. */
  recentAdmin: readonly AdminRecord[];
  /** When this view was last known complete (the read or append that made it so). */
  readAt: number;
}

export interface ControlLedger {
  /** Decides on a complete view (the append that records it lands only on the current end): exact under concurrency. */
  admit(request: AdmitRequest): Promise<Admission>;
  /**
   * What the admitted message really used, written with this instance's next append (no request of its own). Without
   * `tokens` (the model failed) the reserved estimate stands.
   */
  settle(id: string, used: { tokens?: number | undefined; calls: number }): void;
  /**
   * True exactly once per user per Beijing day, across instances: the refused user is told then, and not again; true
   * again for the same `message` (an FC retry of the run that was to tell them, whose reply did not go out).
   */
  firstRefusalToday(user: string, at: number, message: string): Promise<boolean>;
  /** Records a limit DingTalk answered with, so every instance moves down at its next turn. */
  reportApiLimit(kind: ApiLimitKind, at: number): Promise<void>;
  /** Applies and records an admin change (the audit record); returns the state that includes it. */
  recordAdmin(record: AdminRecord): Promise<ControlState>;
  /**
   * The state, read again when this instance's view is `maxAgeMs` old or more (0: always; admin changes reach it within that);
   * it writes this instance's settlements first, so that what it shows is what the turns really used.
   */
  state(at: number, maxAgeMs: number): Promise<ControlState>;
  /** The state as this instance holds it, with no request unless it holds none (a cold start): for estimates. */
  held(at: number): Promise<ControlState>;
}

/** The limits in force for a subject: the controls file's, with the admins' changes over them. */
export function effectiveLimits(limits: LimitSettings, state: ControlState, subject: Subject): LimitSettings {
  const user = state.quotas.user.get(subject.user);
  const group = subject.group === undefined ? undefined : state.quotas.group.get(subject.group);
  return { user: { ...limits.user, ...definedOnly(user) }, group: { ...limits.group, ...definedOnly(group) } };
}

function definedOnly(values: Partial<LimitValues> | undefined): Partial<LimitValues> {
  if (values === undefined) return {};
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<LimitValues>;
}
