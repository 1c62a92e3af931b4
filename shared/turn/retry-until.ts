import { retry } from '../retry/retry-policy';

/**
 * Retries `attempt` while `isRetryable(error)` holds and the next try would still start before `giveUpAtMs`, waiting
 * 200 ms (or `firstDelayMs`) doubling up to 2 s in between; then rethrows the last error. Keeps storage hiccups from
 * costing the user an answer. The loop is shared/retry/retry-policy.ts.
 */
export function retryUntil<T>(
  attempt: () => Promise<T>,
  options: { giveUpAtMs: number; now: () => number; isRetryable: (error: unknown) => boolean; firstDelayMs?: number },
): Promise<T> {
  const { giveUpAtMs, now, isRetryable, firstDelayMs } = options;
  return retry({ attempt: () => attempt(), giveUpAtMs, now, isRetryable, backoff: { baseMs: firstDelayMs ?? 200, capMs: 2_000 } });
}
