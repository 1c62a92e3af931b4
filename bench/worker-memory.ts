import { spawn } from 'node:child_process';
import { againstFloor, median, round, type Figure } from './figures';
import { chineseText, fillConversation, QUESTION_CHARS } from './history-fill';
import { workerBundlePath, type WorkerStack } from './worker-harness';

/**
 * Figure 5: peak RSS of a worker process through one turn on a conversation holding 200 turns. A fresh node process
 * loads the bundle, runs the turn against the servers in this process, and reports `process.resourceUsage().maxRSS`.
 * The floor is the same process doing everything but loading the worker and running the turn. The child is plain
 * JavaScript given to `node -e`, so it does not depend on how the bench itself is bundled.
 */
const HISTORY_TURNS = 200;
const RUNS = 3;
const MARK = 'BENCH_RESULT ';

const CHILD = `
const mode = process.env.BENCH_MODE;
const event = Buffer.from(process.env.BENCH_EVENT, 'utf8');
const context = JSON.parse(process.env.BENCH_CONTEXT);
(async () => {
  let outcome = 'not run';
  if (mode === 'worker') outcome = await require(process.env.BENCH_WORKER).handler(event, context);
  const result = { outcome, maxRssKiB: process.resourceUsage().maxRSS };
  process.stdout.write('\\n${MARK}' + JSON.stringify(result) + '\\n', () => process.exit(0));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

export interface ChildResult {
  outcome: string;
  maxRssKiB: number;
}

/**
 * Linux carries a process's maxRSS over fork and exec, so a child forked straight from the bench (which holds the
 * servers and their requests) would report at least the bench's own RSS. The child is therefore started by a small
 * launcher process, whose fork is as small as a bare node.
 */
const LAUNCHER = `
require('node:child_process')
  .spawn(process.execPath, ['-e', process.env.BENCH_CHILD], { stdio: 'inherit' })
  .on('exit', (code) => process.exit(code ?? 1));
`;

/**
 * One fresh node process that (mode 'worker') loads the worker bundle with the stack's settings plus `extraEnv` and
 * runs `event`, or (mode 'floor') does everything but that; resolves with its outcome and peak RSS.
 */
export function runChild(
  stack: WorkerStack,
  mode: 'worker' | 'floor',
  event: Buffer,
  extraEnv: Record<string, string> = {},
  bundle = workerBundlePath(),
): Promise<ChildResult> {
  const env = {
    PATH: process.env['PATH'] ?? '',
    ...stack.env,
    ...extraEnv,
    BENCH_MODE: mode,
    BENCH_WORKER: bundle,
    BENCH_EVENT: event.toString('utf8'),
    BENCH_CONTEXT: JSON.stringify(stack.context),
    BENCH_CHILD: CHILD,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', LAUNCHER], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.split('\n').find((text) => text.startsWith(MARK));
      if (code !== 0 || !line) return reject(new Error(`memory child (${mode}) exited ${code}:\n${stderr}${stdout.slice(-2000)}`));
      resolve(JSON.parse(line.slice(MARK.length)) as ChildResult);
    });
  });
}

export async function measureMemory(stack: WorkerStack): Promise<Figure[]> {
  const user = 'memory-200';
  const bytes = await fillConversation(stack, user, HISTORY_TURNS);
  const worker: number[] = [];
  const floor: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const event = stack.event(user, `msgMemory${run}==`, chineseText(run, QUESTION_CHARS));
    const bare = await runChild(stack, 'floor', event);
    const loaded = await runChild(stack, 'worker', event);
    if (loaded.outcome !== 'answered') throw new Error(`memory child turn was ${loaded.outcome}, not answered`);
    floor.push(bare.maxRssKiB / 1024);
    worker.push(loaded.maxRssKiB / 1024);
  }
  const value = median(worker);
  const range = (samples: number[]) => `${round(Math.min(...samples), 1)}–${round(Math.max(...samples), 1)}`;
  return [
    againstFloor(
      {
        group: 'memory',
        name: `worker peak RSS, one turn on ${HISTORY_TURNS} turns of history`,
        value: round(value, 1),
        unit: 'MB',
        budget: { rule: '< 100 MB', pass: value < 100 },
        note:
          `maxRSS of a fresh node ${process.version} process (MB = 2^20 bytes), median of ${RUNS} (worker ${range(worker)}, ` +
          `bare ${range(floor)}); load + cold-start turn on a ${round(bytes / 1024, 1)} KiB conversation ` +
          `(${QUESTION_CHARS}-char questions, 600-char answers); the worker adds ${round(value - median(floor), 1)} MB`,
      },
      { value: median(floor), what: 'the same child process without loading the worker or running the turn (bare node + harness)' },
    ),
  ];
}
