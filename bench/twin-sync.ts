import { DEFAULT_CONTROLS_PREFIX } from '../shared/config/worker-config';
import { beijingDay, earlierDaysOfMonth } from '../shared/controls/beijing-time';
import type { AppendLog } from '../shared/storage/append-log';
import { createOssAppendLog } from '../shared/storage/oss/oss-append-log';
import { createOssClient } from '../shared/storage/oss/oss-client';
import type { OssTwin } from './replay';
import type { WorkerStack } from './worker-harness';

/**
 * Makes the floor's twin bucket hold what the worker's bucket holds for objects that every conversation shares: the
 * control ledger of the env robot (docs/controls.md §1). A conversation's objects are born in the measured turns and
 * their replays, so both buckets build them alike; the ledger's day object and admin.jsonl were already written by
 * the earlier parts of the run (cold processes, clients), whose requests are not replayed. Without this a replayed
 * ledger read would find nothing (a cheaper 404) and the replayed admission append would be refused (409), so the
 * floor would not do the worker's work. Runs outside the timed spans; objects are append-only, so the twin's copy
 * is always a prefix of the original and only the missing bytes are appended, at the twin's length: the copy stays
 * appendable and of the same length, so each replayed append lands where the worker's did.
 */
const READ_LIMIT = 64 * 1024 * 1024;

/** The env robot's ledger objects the worker reads this Beijing month: today's, the earlier days', admin.jsonl. */
export function ledgerKeys(env: Readonly<Record<string, string>>, now: number): string[] {
  // The env robot's ledger is `<CONTROLS_PREFIX>dingtalk/` (docs/controls.md §7).
  const base = `${env['CONTROLS_PREFIX'] ?? DEFAULT_CONTROLS_PREFIX}dingtalk/`;
  return [`${base}admin.jsonl`, ...[beijingDay(now), ...earlierDaysOfMonth(now)].map((day) => `${base}usage/${day}.jsonl`)];
}

/** Appends to `to`'s `key` the bytes `from`'s has beyond it; throws when `to`'s is not a prefix of `from`'s. */
export async function copyMissing(from: AppendLog, to: AppendLog, key: string): Promise<void> {
  const original = await from.readAll(key, READ_LIMIT);
  if (original === undefined) return;
  const copy = (await to.readAll(key, READ_LIMIT)) ?? Buffer.alloc(0);
  if (copy.length > original.length || !original.subarray(0, copy.length).equals(copy)) {
    throw new Error(`the twin's ${key} is not a prefix of the original: the buckets went apart`);
  }
  if (copy.length === original.length) return;
  // Appends are whole lines, so the missing part starts at a line and decodes to the same bytes.
  const missing = original.subarray(copy.length).toString('utf8');
  await to.append(key, copy.length, missing);
}

export async function copyLedger(from: AppendLog, to: AppendLog, env: Readonly<Record<string, string>>, now: number): Promise<void> {
  for (const key of ledgerKeys(env, now)) await copyMissing(from, to, key);
}

export async function syncLedgerTwin(stack: WorkerStack, twin: OssTwin, now = Date.now()): Promise<void> {
  const log = (bucket: string) =>
    createOssAppendLog(createOssClient({ bucket, region: 'cn-hangzhou', endpoint: stack.standIns.urls.oss, credentials: stack.context.credentials, timeoutMs: 10_000 }));
  await copyLedger(log(twin.from), log(twin.to), stack.env, now);
}
