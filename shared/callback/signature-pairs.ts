import { createHash } from 'node:crypto';
import { SignatureReusedError, StorageError } from '../errors';
import type { OssLiteClient } from '../storage/oss/oss-lite-client';

/**
 * A signature that does not cover the body lets whoever sees one signed request post any body under it for as long as
 * the clock window allows: DingTalk's `sign` is an HMAC of the timestamp alone (an hour), WeChat's plaintext-mode
 * `signature` a hash of token, timestamp and nonce (docs/wechat.md §2). This rule binds a pair (the signed values, in
 * a fixed order) to the message(s) it was first seen with, in state that every FC instance shares: one small OSS
 * object per pair, one JSON line `{msgId, digest, at}` per message.
 *
 * - The first sighting creates the object with AppendObject at position 0, which OSS does atomically only when the
 *   object does not exist (and, unlike x-oss-forbid-overwrite, keeps doing under bucket versioning): one request.
 * - A 409 means the pair was seen: the same msgId with the same body digest is a redelivery and is accepted; the same
 *   msgId with another body never comes from DingTalk and is refused; a new msgId is accepted only within
 *   `windowMs` of the first sighting (two messages DingTalk signed in the same millisecond share a pair) and is
 *   appended so that its own redelivery is recognised later; with `siblings: false` (WeChat, whose random nonce
 *   makes every genuine pair one message's) never.
 * Objects are removed by an OSS lifecycle rule on the prefix (a day or more), long after either clock window.
 * When OSS cannot be asked, this fails closed (StorageError → 503, as for a failed invocation): accepting would reopen
 * the replay for as long as OSS is down, while a 503 costs a genuine message at most DingTalk's retry.
 */
export const PAIR_WINDOW_MS = 10_000;
/** Genuine messages sharing one millisecond are a handful; more under one pair is someone replaying it. */
const MAX_MESSAGES_PER_PAIR = 20;
const MAX_OBJECT_BYTES = 8 * 1024;
/** Each lost race means another message was appended, so the cap on messages also bounds the retries. */
const MAX_ROUNDS = MAX_MESSAGES_PER_PAIR + 1;
const CONTENT_TYPE = 'application/x-ndjson';

export interface PairSighting {
  /** The signed values, always in the same order: DingTalk's [timestamp, sign]; WeChat's [timestamp, nonce, signature]. */
  pair: readonly string[];
  msgId: string;
  /** A digest of the checked message, so a "redelivery" with another body is told apart. */
  digest: string;
}

export type PairAdmission = 'first' | 'redelivery' | 'sibling';

export interface SignaturePairGuard {
  /** Resolves how the pair may carry this message; throws SignatureReusedError (refuse) or StorageError (unknown). */
  admit(sighting: PairSighting): Promise<PairAdmission>;
}

export interface SignaturePairGuardOptions {
  oss: OssLiteClient;
  /** Ends with '/'; e.g. dingtalk-llm/signatures/. */
  prefix: string;
  now: () => number;
  windowMs?: number;
  /** Whether another message may join a pair within `windowMs`; default true. */
  siblings?: boolean;
}

/** The object key: a hash of the pair, so neither the sign nor anything derived from the secret is stored readably. */
export function signaturePairKey(prefix: string, ...pair: readonly string[]): string {
  return `${prefix}${createHash('sha256').update(pair.join('\n')).digest('hex')}`;
}

export const messageDigest = (canonicalMessage: string): string =>
  createHash('sha256').update(canonicalMessage).digest('base64url').slice(0, 32);

interface Entry {
  msgId: string;
  digest: string;
  at: number;
}

export function createSignaturePairGuard(options: SignaturePairGuardOptions): SignaturePairGuard {
  const windowMs = options.windowMs ?? PAIR_WINDOW_MS;
  const siblings = options.siblings ?? true;
  return {
    async admit({ pair, msgId, digest }) {
      const key = signaturePairKey(options.prefix, ...pair);
      const line = (): Buffer => Buffer.from(`${JSON.stringify({ msgId, digest, at: options.now() })}\n`);
      let position = 0;
      for (let round = 0; round < MAX_ROUNDS; round += 1) {
        const appended = await options.oss.append(key, line(), position, CONTENT_TYPE);
        if (appended.kind === 'appended') return position === 0 ? 'first' : 'sibling';
        const stored = await options.oss.get(key, MAX_OBJECT_BYTES);
        // Gone between the two calls (lifecycle): start over as a first sighting.
        if (stored === undefined) {
          position = 0;
          continue;
        }
        const entries = parseEntries(stored, key);
        const same = entries.find((entry) => entry.msgId === msgId);
        if (same) {
          if (same.digest === digest) return 'redelivery';
          throw new SignatureReusedError('the message id came with another body');
        }
        const first = entries[0] as Entry;
        if (!siblings || options.now() - first.at > windowMs) throw new SignatureReusedError('the pair already carried another message');
        if (entries.length >= MAX_MESSAGES_PER_PAIR) throw new SignatureReusedError('too many messages under one signature');
        position = stored.length;
      }
      throw new StorageError(`signature record ${key} kept changing`);
    },
  };
}

function parseEntries(stored: Buffer, key: string): Entry[] {
  const entries: Entry[] = [];
  for (const text of stored.toString('utf8').split('\n')) {
    if (text === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    const entry = value as Partial<Entry> | undefined;
    if (typeof entry?.msgId !== 'string' || typeof entry.digest !== 'string' || typeof entry.at !== 'number') {
      throw new StorageError(`signature record ${key} is malformed`);
    }
    entries.push({ msgId: entry.msgId, digest: entry.digest, at: entry.at });
  }
  if (entries.length === 0) throw new StorageError(`signature record ${key} is empty`);
  return entries;
}
