import * as v from 'valibot';
import { StorageError } from '../../errors';
import { digest } from '../../history/conversation-key';
import type { Logger } from '../../logging/logger';
import { parseJsonLines } from '../../validation/json-lines';
import type { StoredObjects } from './stored-objects';

/**
 * Where a passive-mode answer waits for WeChat's next request (docs/wechat.md §6), shared by every FC instance: the
 * worker writes the answer of a message, the callback reads it and records which request got which part. Two
 * append-only JSON-lines objects, each written only at the position last read, so no writer loses another's line:
 * - the answer of one message, one line per reply of the turn (`n`): an FC retry of the worker finds line n written
 *   and leaves it, so a message has exactly one answer;
 * - the user's day log: which requests were seen (and whether a 继续 fetched an earlier answer) and which part each
 *   request was answered with, so WeChat's retries of a request get the same reply.
 * Ids are hashed into the keys; an OSS lifecycle rule on the prefix (2 days) removes them. A line that is not a record
 * (another writer's, or cut short) is skipped with a warning, never fatal: failing on it would fail every request of
 * that user until the day's log ends.
 */
export const ANSWER_MAX_BYTES = 1024 * 1024;
export const USER_LOG_MAX_BYTES = 256 * 1024;
const WRITE_ATTEMPTS = 5;

const AnswerLineSchema = v.object({ n: v.pipe(v.number(), v.integer()), parts: v.array(v.string()) });
const UserLineSchema = v.union([
  v.object({ seen: v.string(), at: v.number(), of: v.optional(v.string()) }),
  v.object({ served: v.string(), part: v.pipe(v.number(), v.integer()), by: v.string() }),
]);
export type UserLine = v.InferOutput<typeof UserLineSchema>;

export interface UserLog {
  lines: UserLine[];
  length: number;
  /** '\n' when the object ends inside a line, so the next append starts a line of its own; else ''. */
  joint: string;
}

export interface AnswerStore {
  /** Adds reply `n` of a message's turn unless an earlier attempt did; returns whether this call wrote it. */
  saveReply(account: string, msgId: string, n: number, parts: readonly string[]): Promise<boolean>;
  /** Every part of the message's answer so far, in order; undefined while no reply is written. */
  readAnswer(account: string, msgId: string): Promise<string[] | undefined>;
  readUserLog(account: string, user: string, dayMs: number): Promise<UserLog>;
  /**
   * Appends a line at `log.length`: the log with it, so the caller can append again without reading; undefined when
   * someone else appended first (read again and decide again).
   */
  appendUserLine(account: string, user: string, dayMs: number, log: UserLog, line: UserLine): Promise<UserLog | undefined>;
}

/** The user's log of one day in China time (UTC+8): a day's object stays small and the lifecycle rule can end it. */
const dayOf = (ms: number): string => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);

export const answerKeyOf = (prefix: string, account: string, msgId: string): string => `${prefix}answers/${digest(account, msgId)}.jsonl`;
export const userLogKeyOf = (prefix: string, account: string, user: string, dayMs: number): string =>
  `${prefix}users/${dayOf(dayMs)}/${digest(account, user)}.jsonl`;

export function createAnswerStore(objects: StoredObjects, prefix: string, logger: Logger): AnswerStore {
  const answerKey = (account: string, msgId: string) => answerKeyOf(prefix, account, msgId);
  const userKey = (account: string, user: string, dayMs: number) => userLogKeyOf(prefix, account, user, dayMs);

  async function readLines<S extends v.GenericSchema>(key: string, maxBytes: number, schema: S): Promise<{ lines: Array<v.InferOutput<S>>; length: number; joint: string }> {
    const data = await objects.read(key, maxBytes);
    if (data === undefined || data.length === 0) return { lines: [], length: 0, joint: '' };
    const { records, skipped } = parseJsonLines(schema, data.toString('utf8'));
    if (skipped > 0) logger.warn('wechat answer store: skipped lines that are not records', { key, skipped });
    return { lines: records, length: data.length, joint: data[data.length - 1] === 0x0a ? '' : '\n' };
  }

  return {
    async saveReply(account, msgId, n, parts) {
      const key = answerKey(account, msgId);
      for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt += 1) {
        const { lines, length, joint } = await readLines(key, ANSWER_MAX_BYTES, AnswerLineSchema);
        if (lines.some((line) => line.n === n)) return false;
        const outcome = await objects.append(key, length, `${joint}${JSON.stringify({ n, parts })}\n`);
        if (outcome === 'appended') return true;
      }
      throw new StorageError(`${key}: ${WRITE_ATTEMPTS} appends in a row lost to other writers`);
    },
    async readAnswer(account, msgId) {
      const { lines } = await readLines(answerKey(account, msgId), ANSWER_MAX_BYTES, AnswerLineSchema);
      if (lines.length === 0) return undefined;
      return [...lines].sort((a, b) => a.n - b.n).flatMap((line) => line.parts);
    },
    readUserLog: (account, user, dayMs) => readLines(userKey(account, user, dayMs), USER_LOG_MAX_BYTES, UserLineSchema),
    async appendUserLine(account, user, dayMs, log, line) {
      const data = `${log.joint}${JSON.stringify(line)}\n`;
      if ((await objects.append(userKey(account, user, dayMs), log.length, data)) !== 'appended') return undefined;
      return { lines: [...log.lines, line], length: log.length + Buffer.byteLength(data, 'utf8'), joint: '' };
    },
  };
}
