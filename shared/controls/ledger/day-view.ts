import { StorageError } from '../../errors';
import { beijingDay, earlierDaysOfMonth } from '../beijing-time';
import { carryOf, emptyDay, foldLine, type DayFold } from './ledger-fold';
import { createLineReader, type LineReader } from './ledger-lines';
import { DayLineSchema, type DayLine, type OpenLine } from './ledger-records';
import { dayKey, readNew, type LedgerObjects, type RobotEntry } from './ledger-views';

/** This instance's view of one day object (docs/controls.md §1): the bytes folded, and their fold. */
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
  // The first line of a new object is the open line already folded: fold the object from its start instead.
  if (!view.exists) Object.assign(view, { reader: createLineReader(DayLineSchema), fold: emptyDay() });
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

