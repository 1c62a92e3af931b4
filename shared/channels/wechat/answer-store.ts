import * as v from 'valibot';
import { StorageError } from '../../errors';
import { digest } from '../../history/conversation-key';
import type { StoredObjects } from './stored-objects';

/**
 * Where a passive-mode answer waits for WeChat's next request (docs/wechat.md §6), shared by every FC instance: the
 * worker writes the answer of a message, the callback reads it and records which request got which part. Two
 * append-only JSON-lines objects, each written only at the position last read, so no writer loses another's line:
 * - the answer of one message, one line per reply of the turn (`n`): an FC retry of the worker finds line n written
 *   and leaves it, so a message has exactly one answer;
 * - the user's day log: which requests were seen (and whether a 继续 fetched an earlier answer) and which part each
 *   request was answered with, so WeChat's retries of a request get the same reply.
 * Ids are hashed into the keys; an OSS lifecycle rule on the prefix (2 days) removes them.
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
}

export interface AnswerStore {
  /** Adds reply `n` of a message's turn unless an earlier attempt did; returns whether this call wrote it. */
  saveReply(account: string, msgId: string, n: number, parts: readonly string[]): Promise<boolean>;
  /** Every part of the message's answer so far, in order; undefined while no reply is written. */
  readAnswer(account: string, msgId: string): Promise<string[] | undefined>;
  readUserLog(account: string, user: string, dayMs: number): Promise<UserLog>;
  /** Appends a line at `log.length`; false when someone else appended first (read again and decide again). */
  appendUserLine(account: string, user: string, dayMs: number, log: UserLog, line: UserLine): Promise<boolean>;
}

/** The user's log of one day in China time (UTC+8): a day's object stays small and the lifecycle rule can end it. */
const dayOf = (ms: number): string => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);

export function createAnswerStore(objects: StoredObjects, prefix: string): AnswerStore {
  const answerKey = (account: string, msgId: string) => `${prefix}answers/${digest(account, msgId)}.jsonl`;
  const userKey = (account: string, user: string, dayMs: number) => `${prefix}users/${dayOf(dayMs)}/${digest(account, user)}.jsonl`;

  async function readLines<T>(key: string, maxBytes: number, schema: v.GenericSchema<unknown, T>): Promise<{ lines: T[]; length: number }> {
    const data = await objects.read(key, maxBytes);
    if (data === undefined) return { lines: [], length: 0 };
    const lines: T[] = [];
    for (const line of data.toString('utf8').split('\n')) {
      if (line === '') continue;
      const parsed = v.safeParse(schema, safeJson(line));
      if (!parsed.success) throw new StorageError(`${key} holds a line that is not an answer-store record`);
      lines.push(parsed.output);
    }
    return { lines, length: data.length };
  }

  return {
    async saveReply(account, msgId, n, parts) {
      const key = answerKey(account, msgId);
      for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt += 1) {
        const { lines, length } = await readLines(key, ANSWER_MAX_BYTES, AnswerLineSchema);
        if (lines.some((line) => line.n === n)) return false;
        const outcome = await objects.append(key, length, `${JSON.stringify({ n, parts })}\n`);
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
      return (await objects.append(userKey(account, user, dayMs), log.length, `${JSON.stringify(line)}\n`)) === 'appended';
    },
  };
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
