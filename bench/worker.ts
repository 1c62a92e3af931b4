import type { Figure } from './figures';
import { measureHistoryGrowth } from './history-growth';
import { measureMemoryAttacks } from './memory-attacks';
import { measureOverhead } from './worker-overhead';
import { loadWorker, type WorkerStack } from './worker-harness';

/**
 * The worker's warm figures on the built bundle (dist/worker/index.js, so run `npm run build` first), loaded in this
 * process as FC loads it: overhead per turn against its replayed requests (3), peak RSS under hostile input (5b, in
 * fresh processes), OSS I/O per turn as history grows (6). Cold process and peak RSS of a plain turn: cold-start.ts.
 * `turnMs` is the median turn with a model that answers at once, for the cost estimate.
 */
export async function measureWorker(stack: WorkerStack): Promise<{ figures: Figure[]; turnMs: number }> {
  const worker = loadWorker(stack.env);
  try {
    const overhead = await measureOverhead(stack, worker.handler);
    const growth = await measureHistoryGrowth(stack, worker.handler);
    const attacks = await measureMemoryAttacks(stack);
    return { figures: [...overhead.figures, ...attacks, ...growth], turnMs: overhead.turnMs };
  } finally {
    worker.unload();
  }
}
