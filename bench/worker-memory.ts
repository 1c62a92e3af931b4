import { runCold, type ColdReport } from './cold-process';
import { readSYaml } from './deployed-env';
import { benchRoot } from './figures';
import { deployedNodeOptions } from './node-options';
import { workerBundlePath, type WorkerStack } from './worker-harness';

/**
 * A fresh worker process as FC starts one (s.yaml's NODE_OPTIONS, the stack's settings plus `extraEnv`) that runs
 * `event` as its first turn against the stand-ins and exits, reporting the OS's peak RSS for its whole run (mode
 * 'run'); or the same child without loading the worker or running the turn (mode 'floor').
 * cold-process.ts explains the launcher in between, which keeps the bench's own RSS out of the child's maxRSS.
 */
export const workerNodeOptions = (): string => deployedNodeOptions(readSYaml(benchRoot()), 'worker');

export async function runWorkerChild(
  stack: WorkerStack,
  mode: 'run' | 'floor',
  event: Buffer,
  extraEnv: Record<string, string> = {},
  bundle = workerBundlePath(),
): Promise<ColdReport> {
  const run = await runCold({
    mode: mode === 'run' ? 'run' : 'floor',
    ...(mode === 'run' ? { bundle } : {}),
    env: { ...stack.env, ...extraEnv },
    nodeOptions: workerNodeOptions(),
    event,
    context: stack.context,
  });
  if (run.report === undefined) throw new Error('the worker child wrote no report');
  return run.report;
}
