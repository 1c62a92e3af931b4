import * as v from 'valibot';
import { AppendConflictError, StorageError } from '../../errors';
import { digest } from '../../history/conversation-key';
import type { AppendLog } from '../../storage/append-log';
import { jsonLine, parseJsonLines } from '../../validation/json-lines';

/**
 * The stored side of the send windows (send-window.ts): one appendable object per webhook and UTC day, one JSON line
 * per send and per block DingTalk imposed. DingTalk's limit belongs to the webhook, not to the name the config gives
 * it, so the key is a digest of the webhook's access token: two names for one webhook, or a renamed robot, count
 * against the same window, and neither the token nor the name shows in the bucket listing.
 */
const RecordSchema = v.union([
  v.object({ kind: v.literal('send'), at: v.number() }),
  v.object({ kind: v.literal('block'), at: v.number(), until: v.number() }),
]);
export type SendRecord = v.InferOutput<typeof RecordSchema>;

/** Far more than a minute's lines (about 40 bytes each), so the tail always holds the whole window. */
const TAIL_BYTES = 16 * 1024;
const DAY_MS = 86_400_000;
/** Appends lost in a row to other writers before giving up (as the WeChat answer store does). */
export const APPEND_ATTEMPTS = 5;

export interface SendRecordsOptions {
  log: AppendLog;
  /** The object is `<prefix><digest of the access token>/<yyyy-mm-dd>.jsonl`. */
  prefix: string;
  /** How far back a record can still matter: the longer of the window and the block. */
  reachMs: number;
}

export interface RecordsRead {
  records: SendRecord[];
  /** The object the next record goes to, and the length to append at. */
  key: string;
  length: number;
}

export function createSendRecords(options: SendRecordsOptions) {
  const keyOf = (webhook: string, at: number): string =>
    `${options.prefix}${digest(new URL(webhook).searchParams.get('access_token') ?? webhook)}/${new Date(at).toISOString().slice(0, 10)}.jsonl`;

  return {
    keyOf,
    /** The day's records of `at`, and the previous day's while its sends or a block recorded there can still matter. */
    async read(webhook: string, at: number): Promise<RecordsRead> {
      const key = keyOf(webhook, at);
      const today = await options.log.readTail(key, TAIL_BYTES);
      const yesterdayKey = keyOf(webhook, at - DAY_MS);
      const reachesYesterday = keyOf(webhook, at - options.reachMs) !== key;
      const yesterday = reachesYesterday ? (await options.log.readTail(yesterdayKey, TAIL_BYTES)).text : '';
      const { records } = parseJsonLines(RecordSchema, `${yesterday}\n${today.text}`);
      return { records, key, length: today.length };
    },
    /** Appends `record` at the end of its day's object; StorageError after APPEND_ATTEMPTS lost appends in a row. */
    async append(webhook: string, record: SendRecord): Promise<void> {
      const key = keyOf(webhook, record.at);
      for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt += 1) {
        try {
          await options.log.append(key, await options.log.length(key), jsonLine(record));
          return;
        } catch (error) {
          if (!(error instanceof AppendConflictError)) throw error;
        }
      }
      throw new StorageError(`${key}: ${APPEND_ATTEMPTS} appends in a row lost to other writers`);
    },
    /** Appends `record` at `length`, as read: AppendConflictError when another writer appended since. */
    claim: (read: RecordsRead, record: SendRecord): Promise<number> => options.log.append(read.key, read.length, jsonLine(record)),
  };
}
