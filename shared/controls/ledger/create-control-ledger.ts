import * as v from 'valibot';
import { AppendConflictError, StorageError } from '../../errors';
import type { AppendLog } from '../../storage/append-log';
import { jsonLine } from '../../validation/json-lines';
import type { ApiLimitKind } from '../budget/card-step';
import { decideAdmission } from './admission';
import type { Admission, AdminRecord, ControlLedger, ControlState } from './control-ledger';
import { QPS_BURST_MS } from './ledger-fold';
import { AdminLineSchema, type AppendedLineOf } from './ledger-records';
import { controlState, emptyAdmin, foldAdminLine } from './ledger-state';
import { appendDecided, currentView, jitter, MAX_ATTEMPTS, queueSettle, serialized, type LedgerStore } from './ledger-store';
import { catchUpDay, type DayView } from './day-view';
import { catchUpAdmin, viewOfAdmin, type LedgerCache, type RobotEntry } from './ledger-views';

export { createLedgerCache, LEDGER_MAX_BYTES, type LedgerCache } from './ledger-views';

export interface ControlLedgerOptions {
  log: AppendLog;
  /** CONTROLS_PREFIX, e.g. `dingtalk-llm/controls/`; the robot's objects are under `<prefix><robot>/`. */
  prefix: string;
  robot: string;
  /** createLedgerCache(), kept by the worker at module level: the instance's view, across warm invocations. */
  cache: LedgerCache;
  /** For the wait after a lost append; Math.random by default. */
  random?: () => number;
}

/** The control ledger of one robot over the bucket (docs/controls.md §1), built per invocation on the instance's cache. */
export function createControlLedger(options: ControlLedgerOptions): ControlLedger {
  if (options.robot === '' || options.robot.includes('/')) throw new RangeError(`robot name "${options.robot}" cannot name a ledger`);
  const base = `${options.prefix}${options.robot}/`;
  let entry: RobotEntry | undefined = options.cache.entries.get(base);
  if (entry === undefined) {
    entry = { day: undefined, admin: undefined, pending: [], queue: Promise.resolve() };
    options.cache.entries.set(base, entry);
  }
  const robot = entry;
  const store: LedgerStore = { objects: { log: options.log, base }, entry: robot, random: options.random ?? Math.random };
  const stateOf = (view: DayView, at: number): ControlState => controlState(view.day, view.fold, robot.admin?.fold ?? emptyAdmin(), at, view.readAt);

  return {
    admit: (request) =>
      serialized(robot, () =>
        appendDecided<Admission>(store, request.at, (view) => {
          const state = stateOf(view, request.at);
          if (view.fold.admits.has(request.id)) return { kind: 'answer', value: { admitted: true, state } };
          const refusal = request.exempt ? undefined : decideAdmission(state, request.subject, request.limits, request.at);
          if (refusal) return { kind: 'refuse', value: { ...refusal, state } };
          const { subject, estimate } = request;
          const line: AppendedLineOf<'admit'> = {
            t: 'admit', id: request.id, u: subject.user, ...(subject.userName === undefined ? {} : { n: subject.userName }),
            ...(subject.group === undefined ? {} : { g: subject.group }), at: request.at, est: { tokens: estimate.tokens, calls: estimate.calls },
          };
          return { kind: 'append', line, value: (after) => ({ admitted: true, state: stateOf(after, request.at) }) };
        }),
      ),

    settle: (id, used) => queueSettle(robot, id, used),

    firstRefusalToday: (user, at, message) =>
      serialized(robot, () =>
        appendDecided<boolean>(store, at, (view) =>
          view.fold.told.has(user)
            ? { kind: 'answer', value: view.fold.told.get(user) === message }
            : { kind: 'append', line: { t: 'told', u: user, id: message, at }, value: () => true },
        ),
      ),

    reportApiLimit: (kind: ApiLimitKind, at: number) =>
      serialized(robot, () =>
        appendDecided<void>(store, at, (view) => {
          const forced = view.fold.forced;
          const holding = forced !== undefined && forced.until > at ? forced : undefined;
          // Already recorded (every instance that met the same answer reports it): the step it forces is in force.
          const known = holding !== undefined && (holding.reason === 'quota-exhausted' || (kind === 'qps-limit' && at - holding.at < QPS_BURST_MS));
          return known ? { kind: 'answer', value: undefined } : { kind: 'append', line: { t: 'limit', kind, at }, value: () => undefined };
        }),
      ),

    recordAdmin: (record: AdminRecord) =>
      serialized(robot, async () => {
        const line = { t: 'admin' as const, by: record.by, ...(record.byName === undefined ? {} : { byName: record.byName }), at: record.at, change: record.change };
        const checked = v.safeParse(AdminLineSchema, line);
        if (!checked.success) throw new RangeError(`admin change does not fit admin.jsonl: ${v.summarize(checked.issues)}`);
        const pos = await appendAdmin(store, checked.output);
        // The marker in the day object is how the other instances learn that admin.jsonl grew (docs/controls.md §1).
        return appendDecided<ControlState>(store, record.at, () => ({ kind: 'append', line: { t: 'admin', at: record.at, pos }, value: (after) => stateOf(after, record.at) }));
      }),

    held: (at) => serialized(robot, async () => stateOf((await currentView(store, at)).view, at)),

    state: (at, maxAgeMs) =>
      serialized(robot, async () => {
        const { view, loaded } = await currentView(store, at);
        const admin = await viewOfAdmin(store.objects, robot, view.fold.adminPos);
        if (!loaded && at - view.readAt >= maxAgeMs) {
          // A view older than asked for: the day's new lines, and admin.jsonl to its end (a marker may be missing).
          await catchUpDay(store.objects, view, at);
          await catchUpAdmin(store.objects, admin);
        }
        // A change whose marker never landed (the run that wrote it failed in between) is announced now, so the other
        // instances apply it at their next turn too; settlements this instance holds are written, so that `/usage`
        // and `/admin` show what its turns really used rather than estimates (docs/controls.md §1).
        const unannounced = admin.length > view.fold.adminPos;
        if (!unannounced && robot.pending.length === 0) return stateOf(view, at);
        const line: AppendedLineOf<'admin' | 'settle'> = unannounced ? { t: 'admin', at, pos: admin.length } : { t: 'settle', at };
        return appendDecided<ControlState>(store, at, () => ({ kind: 'append', line, value: (after) => stateOf(after, at) }));
      }),
  };
}

/** Appends one change to admin.jsonl at the end this instance knows, catching up after a lost append; its new length. */
async function appendAdmin(store: LedgerStore, line: v.InferOutput<typeof AdminLineSchema>): Promise<number> {
  const view = await viewOfAdmin(store.objects, store.entry);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const text = view.reader.prefix() + jsonLine(line);
    try {
      const length = await store.objects.log.append(view.key, view.length, text);
      for (const folded of view.reader.feed(Buffer.from(text, 'utf8'))) foldAdminLine(view.fold, folded);
      view.length = length;
      return length;
    } catch (error) {
      if (!(error instanceof AppendConflictError)) throw error;
      await jitter(store, attempt);
      await catchUpAdmin(store.objects, view);
    }
  }
  throw new StorageError(`control ledger: ${MAX_ATTEMPTS} appends in a row to ${view.key} lost to other instances`);
}
