import type { AppendLog } from '../storage/append-log';
import type { ConversationHistoryOptions, ConversationView } from './conversation-history';
import { parseRecords, terminalRecordOf, type HistoryRecord, type TerminalRecord } from './records';

/**
 * Where message `id`'s terminal record is, when an earlier run may have written one since `sinceMs`: the view first;
 * then, off the ordinary path, the whole object when the view does not reach back that far, and the copy of the
 * object it replaced when it was replaced since. A read that fails finds nothing.
 */
export async function findTerminal(
  log: AppendLog,
  view: ConversationView,
  id: string,
  sinceMs: number,
  options: Pick<ConversationHistoryOptions, 'maxBytes' | 'rotation'>,
): Promise<TerminalRecord | undefined> {
  const inView = terminalRecordOf(view.records, id);
  if (inView || !view.truncated) return inView ?? (await inArchive(log, view.records, id, sinceMs, options));
  const whole = parseRecords((await log.readAll(view.key, options.maxBytes * 2).catch(() => undefined))?.toString('utf8') ?? '').records;
  return terminalRecordOf(whole, id) ?? (await inArchive(log, whole, id, sinceMs, options));
}

async function inArchive(
  log: AppendLog,
  records: readonly HistoryRecord[],
  id: string,
  sinceMs: number,
  options: Pick<ConversationHistoryOptions, 'rotation'>,
): Promise<TerminalRecord | undefined> {
  const rotated = records.find((record) => record.t === 'rotated');
  if (rotated?.t !== 'rotated' || rotated.archive === undefined || rotated.at < sinceMs) return undefined;
  const copy = await log.readAll(rotated.archive, options.rotation.archiveMaxBytes + 1024).catch(() => undefined);
  return terminalRecordOf(parseRecords(copy?.toString('utf8') ?? '').records, id);
}
