import { backoffDelay, DEFAULT_BACKOFF, retry, type RetryPolicy } from '../../../../shared/retry/retry-policy';

/** A clock that only moves when the policy sleeps or an attempt says it took time. */
function fakeTime() {
  let nowMs = 1_000;
  const sleeps: number[] = [];
  return {
    now: () => nowMs,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      nowMs += ms;
    },
    pass: (ms: number) => {
      nowMs += ms;
    },
    sleeps,
  };
}

class Transient extends Error {}
class Permanent extends Error {}

/** Fails with `errors` in turn, then answers 'ok'. */
function scripted(errors: Error[], time?: ReturnType<typeof fakeTime>, takesMs = 0) {
  const attempts: number[] = [];
  const attempt = async (attemptNumber: number) => {
    attempts.push(attemptNumber);
    time?.pass(takesMs);
    const error = errors[attemptNumber - 1];
    if (error) throw error;
    return 'ok';
  };
  return { attempt, attempts };
}

const isTransient = (error: unknown) => error instanceof Transient;

describe('retry', () => {
  it('returns the first success, counting attempts from 1', async () => {
    const time = fakeTime();
    const { attempt, attempts } = scripted([new Transient(), new Transient()], time);
    await expect(retry({ attempt, isRetryable: isTransient, maxAttempts: 5, ...time })).resolves.toBe('ok');
    expect(attempts).toEqual([1, 2, 3]);
    expect(time.sleeps).toEqual([200, 400]);
  });

  it('rethrows the last error unchanged after maxAttempts', async () => {
    const time = fakeTime();
    const last = new Transient('third');
    const { attempt, attempts } = scripted([new Transient(), new Transient(), last], time);
    await expect(retry({ attempt, isRetryable: isTransient, maxAttempts: 3, ...time })).rejects.toBe(last);
    expect(attempts).toEqual([1, 2, 3]);
    expect(time.sleeps).toHaveLength(2);
  });

  it('throws a non-retryable error at once, without waiting', async () => {
    const time = fakeTime();
    const permanent = new Permanent();
    const { attempt, attempts } = scripted([permanent], time);
    await expect(retry({ attempt, isRetryable: isTransient, maxAttempts: 5, ...time })).rejects.toBe(permanent);
    expect(attempts).toEqual([1]);
    expect(time.sleeps).toEqual([]);
  });

  it('doubles the wait from baseMs and holds it at capMs', async () => {
    const time = fakeTime();
    const { attempt } = scripted(Array.from({ length: 6 }, () => new Transient()), time);
    const policy: RetryPolicy<string> = {
      attempt, isRetryable: isTransient, maxAttempts: 10, backoff: { baseMs: 100, capMs: 1_000 }, ...time,
    };
    await retry(policy);
    expect(time.sleeps).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('does not start an attempt at or after giveUpAtMs, whatever maxAttempts allows', async () => {
    const time = fakeTime();
    const errors = Array.from({ length: 20 }, () => new Transient());
    const { attempt, attempts } = scripted(errors, time);
    const giveUpAtMs = time.now() + 1_000;
    await expect(retry({ attempt, isRetryable: isTransient, giveUpAtMs, ...time })).rejects.toBeInstanceOf(Transient);
    // Attempts start at +0, +200, +600; the next wait (800) would end at +1400, past the deadline.
    expect(attempts).toEqual([1, 2, 3]);
    expect(time.now()).toBeLessThan(giveUpAtMs);
  });

  it('with reserveLastAttemptTime, retries only when the time left covers another attempt as long', async () => {
    const slow = fakeTime();
    const slowRun = scripted([new Transient(), new Transient()], slow, 400);
    const slowPolicy = { isRetryable: isTransient, giveUpAtMs: slow.now() + 1_000, reserveLastAttemptTime: true, ...slow };
    await expect(retry({ ...slowPolicy, attempt: slowRun.attempt })).rejects.toBeInstanceOf(Transient);
    // After 400 ms, 200 ms wait + 400 ms reserve = 1000: not before the deadline, so no second try.
    expect(slowRun.attempts).toEqual([1]);

    const quick = fakeTime();
    const quickRun = scripted([new Transient()], quick, 300);
    const quickPolicy = { isRetryable: isTransient, giveUpAtMs: quick.now() + 1_000, reserveLastAttemptTime: true, ...quick };
    await expect(retry({ ...quickPolicy, attempt: quickRun.attempt })).resolves.toBe('ok');
    expect(quickRun.attempts).toEqual([1, 2]);
  });

  it('tells onRetry which attempt failed and how long it waits, before waiting', async () => {
    const time = fakeTime();
    const first = new Transient('first');
    const { attempt } = scripted([first], time);
    const seen: unknown[] = [];
    const onRetry = (info: { error: unknown; attemptNumber: number; delayMs: number }) => {
      seen.push({ ...info, sleptBefore: time.sleeps.length });
    };
    await retry({ attempt, isRetryable: isTransient, maxAttempts: 2, onRetry, ...time });
    expect(seen).toEqual([{ error: first, attemptNumber: 1, delayMs: 200, sleptBefore: 0 }]);
  });

  it('retries at once with a zero backoff', async () => {
    const time = fakeTime();
    const { attempt, attempts } = scripted([new Transient()], time);
    await retry({ attempt, isRetryable: isTransient, maxAttempts: 2, backoff: { baseMs: 0, capMs: 0 }, ...time });
    expect(attempts).toEqual([1, 2]);
    expect(time.now()).toBe(1_000);
  });
});

describe('backoffDelay', () => {
  it('takes a random share of up to `jitter` off the exact wait', () => {
    const backoff = { baseMs: 1_000, capMs: 10_000, jitter: 0.5 };
    expect(backoffDelay(backoff, 1, () => 0)).toBe(1_000);
    expect(backoffDelay(backoff, 1, () => 0.999_999)).toBe(500);
    expect(backoffDelay(backoff, 3, () => 0.5)).toBe(3_000);
    expect(backoffDelay({ ...backoff, jitter: 1 }, 1, () => 0.75)).toBe(250);
  });

  it('defaults to 200 ms doubling up to 2 s, without jitter', () => {
    expect(DEFAULT_BACKOFF).toEqual({ baseMs: 200, capMs: 2_000, jitter: 0 });
    expect([1, 2, 3, 4, 5, 6].map((failed) => backoffDelay(DEFAULT_BACKOFF, failed, () => 0.5))).toEqual([
      200, 400, 800, 1_600, 2_000, 2_000,
    ]);
  });

  it('uses the random source only when jitter is asked for', async () => {
    const time = fakeTime();
    const { attempt } = scripted([new Transient(), new Transient()], time);
    const random = jest.fn(() => 0.5);
    await retry({ attempt, isRetryable: isTransient, maxAttempts: 3, backoff: { jitter: 1 }, random, ...time });
    expect(time.sleeps).toEqual([100, 200]);
    expect(random).toHaveBeenCalledTimes(2);
  });
});
