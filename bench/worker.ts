import type { Figure } from './figures';
import { measureHistoryGrowth } from './history-growth';
import { measureMemoryAttacks } from './memory-attacks';
import { measureMemory } from './worker-memory';
import { measureOverhead } from './worker-overhead';
import { loadWorker, startWorkerStack } from './worker-harness';

/**
 * The worker's figures on the built bundle (dist/worker/index.js, so run `npm run build` first): overhead per turn
 * against plain HTTP round trips (3), peak RSS of a worker process (5) and under hostile input (5b), OSS I/O per turn
 * as history grows (6).
 * `turnMs` is the median turn with a model that answers at once, for the cost estimate.
 */
export async function measureWorker(): Promise<{ figures: Figure[]; turnMs: number }> {
  const stack = await startWorkerStack();
  const worker = loadWorker(stack.env);
  try {
    const overhead = await measureOverhead(stack, worker.handler);
    const growth = await measureHistoryGrowth(stack, worker.handler);
    const memory = await measureMemory(stack);
    const attacks = await measureMemoryAttacks(stack);
    return { figures: [...overhead.figures, ...memory, ...attacks, ...growth], turnMs: overhead.turnMs };
  } finally {
    worker.unload();
    await stack.close();
  }
}
