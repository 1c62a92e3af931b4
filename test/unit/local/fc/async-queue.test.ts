import { createAsyncQueue } from '../../../../local/fc/async-queue';
import type { FunctionHost, InvocationResult } from '../../../../local/fc/function-host';

function fakeHost(outcomes: InvocationResult[]) {
  const calls: Array<{ body: string; requestId: string }> = [];
  const host = {
    name: 'worker',
    invoke: async (body: Buffer, requestId?: string) => {
      calls.push({ body: body.toString(), requestId: requestId ?? '' });
      return outcomes.shift() ?? { ok: true, value: null, durationMs: 1 };
    },
    updateEnv: () => undefined,
    crashInstancesRunning: async () => 0,
    close: async () => undefined,
  } satisfies FunctionHost;
  return { host, calls };
}

const failure: InvocationResult = { ok: false, kind: 'error', error: 'boom', durationMs: 1 };

describe('local async invocation', () => {
  it('runs a failed invocation again with the same payload and request id, like FC', async () => {
    // Prepare
    const { host, calls } = fakeHost([failure, failure]);
    const queue = createAsyncQueue({ host, maxRetries: 3, retryDelayMs: 1 });
    // Act
    queue.submit(Buffer.from('event'), 'req-1');
    await queue.drain();
    // Assess
    expect(calls).toEqual([
      { body: 'event', requestId: 'req-1' },
      { body: 'event', requestId: 'req-1' },
      { body: 'event', requestId: 'req-1' },
    ]);
  });

  it('gives up after maxRetries retries', async () => {
    // Prepare
    const { host, calls } = fakeHost([failure, failure, failure, failure, failure]);
    const results: boolean[] = [];
    const queue = createAsyncQueue({ host, maxRetries: 2, retryDelayMs: 1, onResult: ({ willRetry }) => results.push(willRetry) });
    // Act
    queue.submit(Buffer.from('event'));
    await queue.drain();
    // Assess
    expect(calls).toHaveLength(3);
    expect(results).toEqual([true, true, false]);
  });

  it('with discard, accepts and counts invocations but never runs them (benchmarks of the acknowledgement)', async () => {
    // Prepare
    const { host, calls } = fakeHost([]);
    const queue = createAsyncQueue({ host, maxRetries: 3, retryDelayMs: 1, discard: true });
    // Act
    const requestId = queue.submit(Buffer.from('event'), 'req-1');
    queue.submit(Buffer.from('event'));
    await queue.drain();
    // Assess
    expect(requestId).toBe('req-1');
    expect(queue.accepted()).toBe(2);
    expect(calls).toEqual([]);
  });

  it('counts the invocations it runs too', async () => {
    // Prepare
    const { host, calls } = fakeHost([]);
    const queue = createAsyncQueue({ host, maxRetries: 0, retryDelayMs: 1 });
    // Act
    queue.submit(Buffer.from('event'));
    await queue.drain();
    // Assess
    expect(queue.accepted()).toBe(1);
    expect(calls).toHaveLength(1);
  });

  it('runs an event a second time when told to, alongside the first run or after it, and counts both as in flight', async () => {
    // Prepare
    const { host, calls } = fakeHost([]);
    const queue = createAsyncQueue({
      host,
      maxRetries: 0,
      retryDelayMs: 1,
      redeliver: (body) => (body.toString() === 'twice-now' ? 'concurrently' : body.toString() === 'twice-later' ? 'afterwards' : undefined),
    });
    // Act
    queue.submit(Buffer.from('twice-now'), 'req-a');
    queue.submit(Buffer.from('twice-later'), 'req-b');
    queue.submit(Buffer.from('once'), 'req-c');
    const inFlight = queue.inFlight((body) => body.toString().startsWith('twice'));
    await queue.drain();
    // Assess
    expect(inFlight).toBe(3);
    expect(queue.inFlight(() => true)).toBe(0);
    expect(calls.map((call) => call.requestId).sort()).toEqual(['req-a', 'req-a', 'req-b', 'req-b', 'req-c']);
  });
});
