import type { AppendLog } from '../storage/append-log';
import type { ConversationHistoryOptions } from './conversation-history';
import { parseRecords } from './records';

/**
 * Deletes a conversation's history for good: its object and the archived copies it links to. A fresh object holds a
 * `rotated` line naming the copy of the object it replaced (rotation.ts), and that copy holds the line naming the one
 * before, so the chain is read first and then deleted from its oldest end, the object last: a run that dies midway
 * finds the rest of the chain again. Nothing is written. Copies no line links to are left to the lifecycle rule:
 * those from before a `新对话` (it starts the object afresh) and one whose head was cut for its size.
 */
export interface ForgetOutcome {
  /** How many archived copies were deleted with the object. */
  archives: number;
}

type ForgetOptions = Pick<ConversationHistoryOptions, 'maxBytes' | 'rotation'>;

/** More links than any conversation inside the lifecycle rule's days has: a bound against a loop of names. */
const MAX_LINKS = 64;

export async function forgetConversation(log: AppendLog, key: string, options: ForgetOptions): Promise<ForgetOutcome> {
  const archives: string[] = [];
  let linked = archivesNamedIn(await readObject(log, key, options.maxBytes * 2), key, options);
  while (linked.length > 0 && archives.length < MAX_LINKS) {
    const next = linked.filter((archive) => !archives.includes(archive));
    archives.push(...next);
    const copies = await Promise.all(next.map((archive) => log.readAll(archive, options.rotation.archiveMaxBytes + 1024)));
    linked = copies.flatMap((copy) => archivesNamedIn(copy, key, options));
  }
  for (const archive of [...archives].reverse()) await log.remove(archive);
  await log.remove(key);
  return { archives: archives.length };
}

/** The object's bytes; undefined for one too large to read (never one this version wrote): its links are lost. */
async function readObject(log: AppendLog, key: string, maxBytes: number): Promise<Buffer | undefined> {
  try {
    return await log.readAll(key, maxBytes);
  } catch (error) {
    if ((await log.length(key)) > maxBytes) return undefined;
    throw error;
  }
}

/**
 * The archived copies `bytes` names that are this conversation's: a name the conversation's own archive key gives
 * for its time, so a line can never make the worker delete another object.
 */
function archivesNamedIn(bytes: Buffer | undefined, key: string, options: ForgetOptions): string[] {
  if (bytes === undefined) return [];
  const named: string[] = [];
  for (const record of parseRecords(bytes.toString('utf8')).records) {
    if (record.t !== 'rotated' || record.archive === undefined) continue;
    const at = /\.(\d+)\.jsonl$/.exec(record.archive)?.[1];
    if (at !== undefined && options.rotation.archiveKey(key, Number(at)) === record.archive) named.push(record.archive);
  }
  return named;
}
