import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { AppendConflictError, StorageError } from '../errors';
import { jsonLine, parseJsonLines } from '../validation/json-lines';
import type { AppendLog } from '../storage/append-log';

/**
 * Who answers a DingTalk message, kept in one small appendable object per message, apart from the conversation's
 * history. The first delivery's claim is an append at position 0, which OSS refuses (409) once the object exists:
 * an atomic "first one wins" that costs one request and, unlike a look into the history's tail, still recognises a
 * redelivery after any amount of later chat, for as long as the lifecycle rule keeps the object (README, ≥ 2 days).
 * Later lines are written only off the ordinary path: a retry renewing its lease, a takeover, an undelivered reply.
 * The same lease moves a conversation's Normal object to a fresh one (rotation-election.ts).
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

/** The reply a failed run could not deliver: how many parts went out, and the message's records as JSONL. */
export interface StoredReply {
  parts: number;
  lines: string;
}

export type ClaimState =
  /** The first claim of this object. */
  | { kind: 'new' }
  /**
   * This delivery ran before (an FC retry or a second run of the same event replays the delivery id); `live` says the
   * earlier run's lease had not run out (it may still run).
   */
  | { kind: 'resumed'; since: number; stored: StoredReply | undefined; live: boolean }
  /** Another delivery claimed it and its lease ran out: it finished, or died for good. */
  | { kind: 'taken-over'; since: number; stored: StoredReply | undefined }
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
export const MAX_CLAIM_BYTES = 4 * 1024 * 1024;
const MAX_ATTEMPTS = 5;

async function readLines(log: AppendLog, key: string): Promise<{ lines: ClaimLine[]; length: number }> {
  const bytes = (await log.readAll(key, MAX_CLAIM_BYTES)) ?? Buffer.alloc(0);
  return { lines: parseJsonLines(ClaimLineSchema, bytes.toString('utf8')).records, length: bytes.length };
}

/**
 * Takes the lease on `request.key` unless another holder's is live: the first claim is an append at 0, a later one
 * (resumed, taken over) an append after what was read, which renews the lease. A conflict reads and decides again.
 */
export async function claimLease(log: AppendLog, request: ClaimRequest): Promise<ClaimState> {
  const record = jsonLine({ t: 'claim', by: request.by, at: request.at, until: request.until });
  let position = 0;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    let state: ClaimState = { kind: 'new' };
    if (position > 0) {
      const { lines, length } = await readLines(log, request.key);
      state = decide(lines, request);
      if (state.kind === 'busy') return state;
      position = length;
    }
    try {
      await log.append(request.key, position, record);
      return state;
    } catch (error) {
      if (!(error instanceof AppendConflictError)) throw error;
      // Someone wrote first (or the object was there): read it and decide again.
      position = Math.max(position, 1);
    }
  }
  throw new StorageError(`could not claim ${request.key} after ${MAX_ATTEMPTS} attempts`);
}

export function createMessageClaims(options: { log: AppendLog; prefix: string }) {
  const { log } = options;

  /** Hashed: msgIds carry characters OSS keys handle badly, and the robot code keeps two robots' ids apart. */
  const keyOf = (robotCode: string, msgId: string): string =>
    `${options.prefix}${createHash('sha256').update(`${robotCode}\n${msgId}`).digest('hex').slice(0, 40)}`;

  /** Off the ordinary path: leaves an undelivered reply (`parts` of it out) to the next run of the message. */
  async function recordStored(key: string, by: string, at: number, stored: StoredReply): Promise<void> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const { length } = await readLines(log, key);
      try {
        await log.append(key, length, jsonLine({ t: 'stored', by, at, ...stored }));
        return;
      } catch (error) {
        if (!(error instanceof AppendConflictError)) throw error;
      }
    }
    throw new StorageError(`could not record delivery progress in ${key}`);
  }

  return { keyOf, claim: (request: ClaimRequest) => claimLease(log, request), recordStored };
}

/** What the lines say to `request`: resumed (its own), busy (a live lease), else taken over. */
function decide(lines: readonly ClaimLine[], request: ClaimRequest): ClaimState {
  const claims = lines.filter((entry) => entry.t === 'claim');
  const latest = claims.at(-1);
  // An object with no readable claim (torn by a crash mid-write) is nobody's.
  if (latest === undefined) return { kind: 'new' };
  const since = claims[0]?.at ?? latest.at;
  let stored: StoredReply | undefined;
  for (const entry of lines) if (entry.t === 'stored') stored = { parts: entry.parts, lines: entry.lines };
  // A run that stored its reply has ended: its lease holds nobody back.
  const ended = lines.slice(lines.lastIndexOf(latest) + 1).some((entry) => entry.t === 'stored');
  const live = latest.until > request.at && !ended;
  if (latest.by === request.by) return { kind: 'resumed', since, stored, live };
  if (live) return { kind: 'busy' };
  return { kind: 'taken-over', since, stored };
}

export type MessageClaims = ReturnType<typeof createMessageClaims>;
