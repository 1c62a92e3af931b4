import { StorageError } from '../../errors';
import type { AppendLog } from '../../storage/append-log';
import { beijingDay, earlierDaysOfMonth } from './beijing-time';
import { carryOf, emptyDay, foldLine, type DayFold } from './ledger-fold';
import { createLineReader, type LineReader } from './ledger-lines';
import { AdminLineSchema, DayLineSchema, type AdminLine, type DayLine, type OpenLine, type Settle } from './ledger-records';
import { emptyAdmin, foldAdminLine, type AdminFold } from './ledger-state';

/**
 * What one instance knows of a robot's ledger objects: how many bytes of each it has folded, and the folds
 * (docs/controls.md §1). Kept at module level by the worker, across warm invocations, because
 * it is what lets an ordinary turn cost one request: an instance that knows where the day object ends appends there
 * without reading first, and reads only the bytes others appended when that append is refused.
 */
export const LEDGER_MAX_BYTES = 8 * 1024 * 1024;

export interface DayView {
  day: string;
  key: string;
  /** Bytes of the object folded: where this instance's next append goes. */
  length: number;
  /** False until the day object exists; `open` is then the first line this instance would write, already folded. */
  exists: boolean;
  open: OpenLine | undefined;
  reader: LineReader<DayLine>;
  fold: DayFold;
  /** When the view was last known to reach the object's end. */
  readAt: number;
}

export interface AdminView {
  key: string;
  length: number;
  reader: LineReader<AdminLine>;
  fold: AdminFold;
}

export interface RobotEntry {
  day: DayView | undefined;
  admin: AdminView | undefined;
  /** Settlements waiting for this instance's next append to the day object. */
  pending: Settle[];
  /** This instance's operations on the entry, one after another (an instance may run invocations side by side). */
  queue: Promise<unknown>;
}

/** The per-instance cache: one entry per robot ledger (prefix and robot). */
export interface LedgerCache {
  entries: Map<string, RobotEntry>;
}

export const createLedgerCache = (): LedgerCache => ({ entries: new Map() });

export interface LedgerObjects {
  log: AppendLog;
  /** `<prefix><robot>/`. */
  base: string;
}

export const dayKey = (objects: LedgerObjects, day: string): string => `${objects.base}usage/${day}.jsonl`;
export const adminKey = (objects: LedgerObjects): string => `${objects.base}admin.jsonl`;

/** Reads `key` from `start`, within the cap; undefined when absent. */
async function readNew(objects: LedgerObjects, key: string, start: number): Promise<{ bytes: Buffer; length: number } | undefined> {
  try {
    return await objects.log.readFrom(key, start, Math.max(0, LEDGER_MAX_BYTES - start));
  } catch (error) {
    if (!(error instanceof StorageError)) throw error;
    throw new StorageError(`control ledger: reading ${key} from byte ${start} failed; its objects are read up to ${LEDGER_MAX_BYTES} bytes (docs/controls.md §1): ${error.message}`, { cause: error });
  }
}

const freshDay = (day: string, key: string, at: number): DayView => ({
  day, key, length: 0, exists: false, open: undefined, reader: createLineReader(DayLineSchema), fold: emptyDay(), readAt: at,
});

/**
 * Folds what was appended to the day object since the view's end. A view of an absent object holds only its own
 * `open`: once the object exists it is folded from byte 0 instead, as another instance's open line came first.
 */
export async function catchUpDay(objects: LedgerObjects, view: DayView, at: number): Promise<void> {
  const read = await readNew(objects, view.key, view.exists ? view.length : 0);
  view.readAt = at;
  if (read === undefined) {
    if (view.exists) throw new StorageError(`control ledger: ${view.key} was removed while in use`);
    return;
  }
  if (!view.exists) Object.assign(view, { exists: true, open: undefined, reader: createLineReader(DayLineSchema), fold: emptyDay(), length: 0 });
  if (read.length < view.length) throw new StorageError(`control ledger: ${view.key} is shorter than this instance read it (${read.length} < ${view.length} bytes)`);
  for (const line of view.reader.feed(read.bytes)) foldLine(view.fold, line);
  view.length = read.length;
}

/** Folds bytes this instance appended at the view's end. */
export function foldAppended(view: DayView, text: string, length: number, at: number): void {
  for (const line of view.reader.feed(Buffer.from(text, 'utf8'))) foldLine(view.fold, line);
  Object.assign(view, { length, exists: true, open: undefined, readAt: at });
}

/**
 * The view of `at`'s day. A day that has no object yet gets the `open` line its first appender writes: the month so
 * far, from the newest earlier day of the month that has an object (the instance's view of it, caught up, when it
 * has one).
 */
export async function viewOfDay(objects: LedgerObjects, entry: RobotEntry, at: number): Promise<DayView> {
  const day = beijingDay(at);
  if (entry.day?.day === day) return entry.day;
  const previous = entry.day;
  const view = freshDay(day, dayKey(objects, day), at);
  await catchUpDay(objects, view, at);
  if (!view.exists) {
    let open: OpenLine = { t: 'open', day, at, users: {}, groups: {}, calls: 0 };
    for (const earlier of earlierDaysOfMonth(at)) {
      const known = previous?.day === earlier ? previous : freshDay(earlier, dayKey(objects, earlier), at);
      await catchUpDay(objects, known, at);
      if (known.exists) {
        open = carryOf(known.fold, day, at);
        break;
      }
    }
    view.open = open;
    foldLine(view.fold, open);
  }
  entry.day = view;
  return view;
}

/** The admin view, read whole on first use and caught up from its end when `upTo` (a marker's position) passes it. */
export async function viewOfAdmin(objects: LedgerObjects, entry: RobotEntry, upTo = 0): Promise<AdminView> {
  if (entry.admin !== undefined && entry.admin.length >= upTo) return entry.admin;
  const view = entry.admin ?? { key: adminKey(objects), length: 0, reader: createLineReader(AdminLineSchema), fold: emptyAdmin() };
  await catchUpAdmin(objects, view);
  entry.admin = view;
  return view;
}

export async function catchUpAdmin(objects: LedgerObjects, view: AdminView): Promise<void> {
  const read = await readNew(objects, view.key, view.length);
  if (read === undefined) return;
  if (read.length < view.length) throw new StorageError(`control ledger: ${view.key} is shorter than this instance read it`);
  for (const line of view.reader.feed(read.bytes)) foldAdminLine(view.fold, line);
  view.length = read.length;
}
