import { formatTable } from './report';
import { measureMemoryAttacks } from './memory-attacks';
import { startWorkerStack } from './worker-harness';

/**
 * `node dist/bench/attack-memory.js` (after `npm run build`): only the memory-under-attack figures of `npm run bench`,
 * printed as a table with PASS/FAIL against the budget from s.yaml's worker memorySize; exits 1 when one fails. With
 * `ATTACK_WORKER_BUNDLE=<path to another build's dist/worker/index.js>` the same attacks run on that build instead.
 */
async function main(): Promise<boolean> {
  const stack = await startWorkerStack();
  try {
    const bundle = process.env['ATTACK_WORKER_BUNDLE'];
    const figures = await measureMemoryAttacks(stack, bundle === undefined || bundle === '' ? undefined : bundle);
    console.log(`\n${formatTable(figures)}\n`);
    const failed = figures.filter((figure) => figure.budget && !figure.budget.pass);
    console.log(failed.length ? `budgets: ${failed.length} FAIL` : 'budgets: all PASS');
    return failed.length === 0;
  } finally {
    await stack.close();
  }
}

main().then(
  (passed) => process.exit(passed ? 0 : 1),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
