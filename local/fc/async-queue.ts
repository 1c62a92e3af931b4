import { randomUUID } from 'node:crypto';
import type { FunctionHost, InvocationResult } from './function-host';

export interface AsyncQueueOptions {
  host: Pick<FunctionHost, 'invoke'>;
  /** FC's maxAsyncRetryAttempts: how often a failed invocation is run again (s.yaml sets the cloud's). */
  maxRetries: number;
  /** Delay before the first retry; doubled for each further one. */
  retryDelayMs: number;
  /**
   * Accept (202) and count each invocation but never run it: for benchmarks of the acknowledgement alone, which must
   * not measure the worker. Off by default.
   */
  discard?: boolean;
  /**
   * FC delivers an async event at least once: for the fault soak, an event this returns a value for is run a second
   * time, with the same payload and request id, either alongside the first run or after it (and its retries) ended.
   */
  redeliver?: (body: Buffer) => 'concurrently' | 'afterwards' | undefined;
  onResult?: (entry: { requestId: string; attempt: number; result: InvocationResult; willRetry: boolean }) => void;
}

/**
 * FC's asynchronous invocation, locally: accept at once (202), run later, and run a failed invocation again with
 * the same payload and request id, up to maxRetries times. At-least-once, like FC: a worker must be idempotent.
 */
export function createAsyncQueue(options: AsyncQueueOptions) {
  const pending = new Map<Promise<void>, Buffer>();
  let accepted = 0;

  async function run(body: Buffer, requestId: string): Promise<void> {
    for (let attempt = 0; attempt <= options.maxRetries; attempt += 1) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs * 2 ** (attempt - 1)));
      const result = await options.host.invoke(body, requestId);
      const willRetry = !result.ok && attempt < options.maxRetries;
      options.onResult?.({ requestId, attempt, result, willRetry });
      if (result.ok) return;
    }
  }

  function track(body: Buffer, work: () => Promise<void>): void {
    const task = work().finally(() => pending.delete(task));
    pending.set(task, body);
  }

  function submit(body: Buffer, requestId: string = randomUUID()): string {
    accepted += 1;
    if (options.discard) return requestId;
    const again = options.redeliver?.(body);
    if (again === 'concurrently') track(body, () => run(body, requestId));
    track(body, async () => {
      await run(body, requestId);
      if (again === 'afterwards') await run(body, requestId);
    });
    return requestId;
  }

  /** Resolves once every submitted invocation, retries included, has finished. */
  async function drain(): Promise<void> {
    while (pending.size > 0) await Promise.all([...pending.keys()]);
  }

  /** How many submitted events whose payload matches are still running or waiting for a retry. */
  const inFlight = (matches: (body: Buffer) => boolean): number => [...pending.values()].filter(matches).length;

  /** How many invocations were submitted (discarded ones included). */
  const acceptedCount = (): number => accepted;

  return { submit, drain, inFlight, accepted: acceptedCount };
}

export type AsyncQueue = ReturnType<typeof createAsyncQueue>;
