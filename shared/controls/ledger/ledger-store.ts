import { AppendConflictError, StorageError } from '../../errors';
import { jsonLine } from '../../validation/json-lines';
import type { DayLine } from './ledger-records';
import { catchUpDay, foldAppended, viewOfDay, type DayView } from './day-view';
import { catchUpAdmin, viewOfAdmin, type LedgerObjects, type RobotEntry } from './ledger-views';
import { beijingDay } from '../beijing-time';

/**
 * The append protocol of the day objects (docs/controls.md §1): decide on the instance's view, append the
 * decision's line at the view's end. OSS appends only at the object's current length (docs/function-compute.md §5),
 * so an append that lands proves the view held every line: the decision was taken on the whole day. A refused append
 * (409) reads the new bytes only, and decides again.
 */
export const MAX_ATTEMPTS = 60;
/** Settlements one instance keeps waiting for its next append; far more than it has turns in flight. */
const MAX_PENDING = 100;

export type AppendedLine = Exclude<DayLine, { t: 'open' }>;

export type Decision<T> =
  /** Final without writing: lines only add, so what the view shows stays true (an id admitted, a user told). */
  | { kind: 'answer'; value: T }
  /** Final once the view has been caught up in this call: a refusal is not taken on an old view. */
  | { kind: 'refuse'; value: T }
  | { kind: 'append'; line: AppendedLine; value: (view: DayView) => T };

export interface LedgerStore {
  objects: LedgerObjects;
  entry: RobotEntry;
  random: () => number;
}

/**
 * Runs `task` after the instance's earlier operations on this ledger. A task that fails drops the views, so the next
 * one starts from the objects rather than from a view a failure may have left behind.
 */
export function serialized<T>(entry: RobotEntry, task: () => Promise<T>): Promise<T> {
  const run = entry.queue.then(task, task);
  entry.queue = run.catch(() => {
    entry.day = undefined;
    entry.admin = undefined;
  });
  return run;
}

/** A short random wait after a lost append, so instances that collided do not collide again in step. */
export const jitter = (store: LedgerStore, attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.floor(store.random() * Math.min(40, 4 * attempt))));

/** The view of `at`'s day and the admin changes its markers name; `loaded` when it was read in this call. */
export async function currentView(store: LedgerStore, at: number): Promise<{ view: DayView; loaded: boolean }> {
  const loaded = store.entry.day?.day !== beijingDay(at);
  const known = store.entry.admin;
  // A cold instance reads admin.jsonl alongside the day object rather than after it; a warm one starting a new day
  // reads what admin.jsonl gained since, as the markers that announced it were in the day it has left.
  const [view] = await Promise.all([
    viewOfDay(store.objects, store.entry, at),
    known === undefined ? viewOfAdmin(store.objects, store.entry) : loaded ? catchUpAdmin(store.objects, known) : undefined,
  ]);
  await viewOfAdmin(store.objects, store.entry, view.fold.adminPos);
  return { view, loaded };
}

/** Decides with `decide` and writes its line, with the settlements waiting to ride on it. */
export async function appendDecided<T>(store: LedgerStore, at: number, decide: (view: DayView) => Decision<T>): Promise<T> {
  const { entry, objects } = store;
  let { view, loaded: fresh } = await currentView(store, at);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const decision = decide(view);
    if (decision.kind === 'answer' || (decision.kind === 'refuse' && fresh)) return decision.value;
    if (decision.kind === 'append') {
      const riding = entry.pending.slice(-MAX_PENDING);
      const line = riding.length === 0 ? decision.line : { ...decision.line, settle: riding };
      // The first appender of the day writes the open line before its own, at 0, in the same request.
      const text = view.exists || view.open === undefined ? view.reader.prefix() + jsonLine(line) : jsonLine(view.open) + jsonLine(line);
      const expected = view.length + Buffer.byteLength(text);
      try {
        const length = await objects.log.append(view.key, view.length, text);
        foldAppended(view, text, length, at);
        entry.pending = entry.pending.filter((settle) => !riding.includes(settle));
        const value = decision.value(view);
        // Only an object changed by something other than appends ends elsewhere: read it again next time.
        if (length !== expected) entry.day = undefined;
        return value;
      } catch (error) {
        if (!(error instanceof AppendConflictError)) throw error;
        await jitter(store, attempt);
      }
    }
    await catchUpDay(objects, view, at);
    await viewOfAdmin(objects, entry, view.fold.adminPos);
    fresh = true;
  }
  throw new StorageError(`control ledger: ${MAX_ATTEMPTS} appends in a row to ${view.key} lost to other instances`);
}

/** Queues a turn's real usage for the next append (a later settle of the same id replaces an earlier one). */
export function queueSettle(entry: RobotEntry, id: string, used: { tokens?: number | undefined; calls: number }): void {
  const settle = { id, ...(used.tokens === undefined ? {} : { tokens: Math.max(0, used.tokens) }), calls: Math.max(0, used.calls) };
  entry.pending = [...entry.pending.filter((waiting) => waiting.id !== id), settle].slice(-MAX_PENDING);
}
