import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { AppendConflictError, StorageError } from '../errors';
import type { AppendLog } from './append-log';

/**
 * Who answers a DingTalk message, kept in one small appendable object per message, apart from the conversation's
 * history. The first delivery's claim is an append at position 0, which OSS refuses (409) once the object exists:
 * an atomic "first one wins" that costs one request and, unlike a look into the history's tail, still recognises a
 * redelivery after any amount of later chat, for as long as the lifecycle rule keeps the object (README, ≥ 2 days).
 * Later lines are written only off the ordinary path: a retry renewing its lease, a takeover, delivery progress.
 */
const ClaimLineSchema = v.variant('t', [
  v.object({ t: v.literal('claim'), by: v.string(), at: v.number(), until: v.number() }),
  /**
   * A run could not deliver its reply and left it for the FC retry: `parts` parts are out, `lines` are the message's
   * records (JSONL), the reply included, so the retry sends the rest without asking the model again.
   */
  v.object({ t: v.literal('stored'), by: v.string(), at: v.number(), parts: v.number(), lines: v.string() }),
]);
type ClaimLine = v.InferOutput<typeof ClaimLineSchema>;

export type ClaimState =
  /** The first delivery of this message. */
  | { kind: 'new' }
  /**
   * This delivery ran before (an FC retry or a second run of the same event replays the delivery id). `stored` is the
   * reply an earlier run could not deliver; `live` says the earlier run's lease had not run out (it may still run).
   */
  | { kind: 'resumed'; stored: { parts: number; lines: string } | undefined; live: boolean }
  /**
   * Another delivery claimed it and its lease ran out: it finished, or died for good. `since`: its first claim;
   * `stored`: the reply the last failed run could not deliver, if one did.
   */
  | { kind: 'taken-over'; since: number; stored: { parts: number; lines: string } | undefined }
  /** Another delivery holds a live lease: it is answering right now. */
  | { kind: 'busy' };

export interface ClaimRequest {
  key: string;
  /** The delivery id: a fresh one per callback, replayed unchanged by FC retries. */
  by: string;
  at: number;
  until: number;
}

/** Claims are a few lines; a stored reply (at most a few per message, one per failed run) can be long. */
const MAX_CLAIM_BYTES = 4 * 1024 * 1024;
const line = (record: ClaimLine): string => `${JSON.stringify(record)}\n`;

export function createMessageClaims(options: { log: AppendLog; prefix: string; maxAttempts?: number }) {
  const { log } = options;
  const maxAttempts = options.maxAttempts ?? 5;

  /** Hashed: msgIds carry characters OSS keys handle badly, and the robot code keeps two robots' ids apart. */
  const keyOf = (robotCode: string, msgId: string): string =>
    `${options.prefix}${createHash('sha256').update(`${robotCode}\n${msgId}`).digest('hex').slice(0, 40)}`;

  async function readLines(key: string): Promise<{ lines: ClaimLine[]; length: number }> {
    const bytes = (await log.readAll(key, MAX_CLAIM_BYTES)) ?? Buffer.alloc(0);
    const lines: ClaimLine[] = [];
    for (const text of bytes.toString('utf8').split('\n')) {
      if (text.trim() === '') continue;
      try {
        const parsed = v.safeParse(ClaimLineSchema, JSON.parse(text));
        if (parsed.success) lines.push(parsed.output);
      } catch {
        // A torn or foreign line says nothing about who holds the message.
      }
    }
    return { lines, length: bytes.length };
  }

  async function claim(request: ClaimRequest): Promise<ClaimState> {
    const record = line({ t: 'claim', by: request.by, at: request.at, until: request.until });
    let position = 0;
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      let state: ClaimState = { kind: 'new' };
      if (position > 0) {
        const { lines, length } = await readLines(request.key);
        state = decide(lines, request);
        if (state.kind === 'busy') return state;
        position = length;
      }
      try {
        // A resumed or taken-over claim is appended too: it renews the lease, so a redelivery finds the message busy.
        await log.append(request.key, position, record);
        return state;
      } catch (error) {
        if (!(error instanceof AppendConflictError)) throw error;
        // Someone wrote first (or the object was there): read it and decide again.
        position = Math.max(position, 1);
      }
    }
    throw new StorageError(`could not claim ${request.key} after ${maxAttempts} attempts`);
  }

  /** Off the ordinary path: leaves an undelivered reply (`parts` of it out) to the FC retry of this delivery. */
  async function recordStored(key: string, by: string, at: number, parts: number, lines: string): Promise<void> {
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      const { length } = await readLines(key);
      try {
        await log.append(key, length, line({ t: 'stored', by, at, parts, lines }));
        return;
      } catch (error) {
        if (!(error instanceof AppendConflictError)) throw error;
      }
    }
    throw new StorageError(`could not record delivery progress in ${key}`);
  }

  return { keyOf, claim, recordStored };
}

/** What the lines say to `request`: resumed (its own), busy (a live lease), else taken over. */
function decide(lines: readonly ClaimLine[], request: ClaimRequest): ClaimState {
  const latestAt = lines.findLastIndex((entry) => entry.t === 'claim');
  const latest = lines[latestAt];
  // An object with no readable claim (torn by a crash mid-write) is nobody's.
  if (latest === undefined || latest.t !== 'claim') return { kind: 'new' };
  let stored: { parts: number; lines: string } | undefined;
  for (const entry of lines) if (entry.t === 'stored') stored = { parts: entry.parts, lines: entry.lines };
  // A run that stored its reply has ended: its lease holds nobody back.
  const ended = lines.slice(latestAt + 1).some((entry) => entry.t === 'stored');
  const live = latest.until > request.at && !ended;
  if (latest.by === request.by) return { kind: 'resumed', stored, live };
  if (live) return { kind: 'busy' };
  const first = lines.find((entry) => entry.t === 'claim');
  return { kind: 'taken-over', since: first?.at ?? latest.at, stored };
}

export type MessageClaims = ReturnType<typeof createMessageClaims>;
