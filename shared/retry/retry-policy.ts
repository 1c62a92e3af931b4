/**
 * The one retry loop of the bot. Each caller brings the facts of its API – which errors a second try can fix and how
 * much it may spend (a number of attempts, a deadline, or both) – and this module decides the rest the same way for
 * all of them: the wait before each retry and when to give up.
 *
 * Give-up rule: after a failed attempt the error is rethrown unchanged when it is not retryable, when `maxAttempts`
 * attempts have been made, or when the next attempt would not start before `giveUpAtMs` (with
 * `reserveLastAttemptTime`: would not have as long as the failed attempt took). Otherwise the loop waits the backoff
 * and tries again.
 *
 * Backoff: the k-th retry waits `min(capMs, baseMs · 2^(k-1))`, less a random share of up to `jitter` of it (0 = the
 * exact wait, 1 = anywhere between 0 and the wait), so instances that failed together do not retry in step.
 */
export interface Backoff {
  /** Wait before the first retry. Default 200 ms. */
  baseMs: number;
  /** No wait grows past this. Default 2 000 ms. */
  capMs: number;
  /** 0…1, the share of each wait that is drawn at random. Default 0. */
  jitter: number;
}

export const DEFAULT_BACKOFF: Readonly<Backoff> = { baseMs: 200, capMs: 2_000, jitter: 0 };

/** At least one of the two budgets must be given; the one missing does not limit. */
export type RetryBudget = { maxAttempts: number; giveUpAtMs?: number } | { giveUpAtMs: number; maxAttempts?: number };

export type RetryPolicy<T> = RetryBudget & {
  /** One try; `attemptNumber` counts from 1. */
  attempt: (attemptNumber: number) => Promise<T>;
  /** The API's own decision: can a second try fix this error? */
  isRetryable: (error: unknown) => boolean;
  backoff?: Partial<Backoff>;
  /**
   * Retry only when the time left after the wait is longer than the failed attempt took: for calls that fail slowly
   * (a model answering 500 after 20 s), a try that cannot finish in time only spends the budget. Default false.
   */
  reserveLastAttemptTime?: boolean;
  /** Called before each wait, for the caller's log line or for state a retry must reset. */
  onRetry?: (retry: { error: unknown; attemptNumber: number; delayMs: number }) => void;
  /** Milliseconds on the deadline's clock. Default Date.now. */
  now?: () => number;
  /** Default a plain timer. */
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1); default Math.random. Only read when jitter > 0. */
  random?: () => number;
};

export async function retry<T>(policy: RetryPolicy<T>): Promise<T> {
  const now = policy.now ?? Date.now;
  const sleep = policy.sleep ?? defaultSleep;
  const backoff = { ...DEFAULT_BACKOFF, ...policy.backoff };
  const maxAttempts = policy.maxAttempts ?? Infinity;
  const giveUpAtMs = policy.giveUpAtMs ?? Infinity;
  for (let attemptNumber = 1; ; attemptNumber += 1) {
    const startedAt = now();
    try {
      return await policy.attempt(attemptNumber);
    } catch (error) {
      if (attemptNumber >= maxAttempts || !policy.isRetryable(error)) throw error;
      const delayMs = backoffDelay(backoff, attemptNumber, policy.random ?? Math.random);
      const reserveMs = policy.reserveLastAttemptTime === true ? now() - startedAt : 0;
      if (now() + delayMs + reserveMs >= giveUpAtMs) throw error;
      policy.onRetry?.({ error, attemptNumber, delayMs });
      await sleep(delayMs);
    }
  }
}

/** The wait after the `failedAttempts`-th failure. */
export function backoffDelay(backoff: Backoff, failedAttempts: number, random: () => number): number {
  const exact = Math.min(backoff.capMs, backoff.baseMs * 2 ** (failedAttempts - 1));
  const jitter = Math.min(1, Math.max(0, backoff.jitter));
  return jitter === 0 ? exact : Math.round(exact * (1 - jitter * random()));
}

const defaultSleep = (ms: number): Promise<void> =>
  ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
