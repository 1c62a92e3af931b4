import { StorageError } from '../../errors';
import type { AppendLog } from '../../storage/append-log';
import type { DayView } from './day-view';
import { createLineReader, type LineReader } from './ledger-lines';
import { AdminLineSchema, type AdminLine, type Settle } from './ledger-records';
import { emptyAdmin, foldAdminLine, type AdminFold } from './ledger-state';

/** Each ledger object is read up to this many bytes (docs/controls.md §1). */
export const LEDGER_MAX_BYTES = 8 * 1024 * 1024;

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

/**
 * What one instance knows of its robots' ledger objects, one entry per prefix and robot: how many bytes of each it
 * has folded, and the folds (docs/controls.md §1). Kept at module level by the worker, across warm invocations,
 * because it is what lets an ordinary turn cost one request: an instance that knows where the day object ends
 * appends there without reading first, and reads only the bytes others appended when that append is refused.
 */
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
export async function readNew(objects: LedgerObjects, key: string, start: number): Promise<{ bytes: Buffer; length: number } | undefined> {
  try {
    return await objects.log.readFrom(key, start, Math.max(0, LEDGER_MAX_BYTES - start));
  } catch (error) {
    if (!(error instanceof StorageError)) throw error;
    throw new StorageError(`control ledger: reading ${key} from byte ${start} failed; its objects are read up to ${LEDGER_MAX_BYTES} bytes (docs/controls.md §1): ${error.message}`, { cause: error });
  }
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
