/**
 * Retries `attempt` with capped exponential backoff while `isRetryable(error)` holds and the next try would still
 * start before `giveUpAtMs`; then rethrows the last error. Keeps storage hiccups from costing the user an answer.
 */
export async function retryUntil<T>(
  attempt: () => Promise<T>,
  options: { giveUpAtMs: number; now: () => number; isRetryable: (error: unknown) => boolean; firstDelayMs?: number },
): Promise<T> {
  let delayMs = options.firstDelayMs ?? 200;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!options.isRetryable(error) || options.now() + delayMs >= options.giveUpAtMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      delayMs = Math.min(delayMs * 2, 2_000);
    }
  }
}
