import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { callbackBundlePath, callbackEnv, callbackEvent, CALLBACK_CONTEXT } from './callback-setup';
import { runCold, type ColdRun, type ColdSpec } from './cold-process';
import { readSYaml } from './deployed-env';
import { againstFloor, benchRoot, median, range, round, type Figure } from './figures';
import { chineseText, fillConversation, QUESTION_CHARS } from './history-fill';
import { deployedNodeOptions, describeNodeOptions } from './node-options';
import { workerBundlePath, type WorkerStack } from './worker-harness';

/**
 * The cold process: what FC pays when it starts an instance for a message. A fresh node with the NODE_OPTIONS s.yaml
 * deploys for the function, which (worker) boots, loads dist/worker/index.js (the loader, which compiles function.js
 * from its V8 code cache) and runs its first turn on a conversation with 200 turns of history against the stand-ins,
 * or (callback) loads dist/callback/index.js and handles one signed callback; wall time from spawn to exit. The cache
 * is accepted here (this node built it); the same runs on a copy of the folder without it show what a runtime whose V8
 * rejects it would pay. The floor is bare `node -e 0` with the same NODE_OPTIONS, runs
 * interleaved (bare, worker, …) so all share the machine's noise; one unrecorded round first warms the file cache.
 * Require-only figures break the time down. The worker's runs also give its peak RSS (the OS's maxRSS).
 */
export const HISTORY_TURNS = 200;
const RUNS = 15;
const WORKER_BUDGET_MS = 120;
const CALLBACK_BUDGET_MS = 25;
const RSS_BUDGET_MIB = 80;

export interface ColdSpecs {
  workerOptions: string;
  callbackOptions: string;
  /** A worker's first turn on a fresh 200-turn conversation (filled now, outside any timed span). */
  workerTurn(label: string, cgroupProcs?: string): Promise<ColdSpec>;
  callbackCall(label: number, cgroupProcs?: string): ColdSpec;
  bare(options: string, cgroupProcs?: string): ColdSpec;
}

export function coldSpecs(stack: WorkerStack): ColdSpecs {
  const spec = readSYaml(benchRoot());
  const workerOptions = deployedNodeOptions(spec, 'worker');
  const callbackOptions = deployedNodeOptions(spec, 'callback');
  const signedAt = Date.now();
  const procs = (cgroupProcs?: string) => (cgroupProcs === undefined ? {} : { cgroupProcs });
  return {
    workerOptions,
    callbackOptions,
    async workerTurn(label, cgroupProcs) {
      const user = `cold-${label}`;
      await fillConversation(stack, user, HISTORY_TURNS);
      const event = await stack.event(user, `msgCold${label}==`, chineseText(HISTORY_TURNS, QUESTION_CHARS));
      return { mode: 'run', bundle: workerBundlePath(), env: stack.env, nodeOptions: workerOptions, event, context: stack.context, ...procs(cgroupProcs) };
    },
    callbackCall(label, cgroupProcs) {
      const { event } = callbackEvent(label, signedAt, 'msgcold');
      return { mode: 'run', bundle: callbackBundlePath(), env: callbackEnv(stack.standIns.urls), nodeOptions: callbackOptions, event, context: CALLBACK_CONTEXT, ...procs(cgroupProcs) };
    },
    bare: (options, cgroupProcs) => ({ mode: 'bare', nodeOptions: options, ...procs(cgroupProcs) }),
  };
}

/** Runs `spec` and checks the handler's outcome, so a time cannot come from a call that failed. */
export async function coldRun(spec: ColdSpec, expected: string): Promise<ColdRun> {
  const run = await runCold(spec);
  if (spec.mode === 'run' && run.report?.outcome !== expected) throw new Error(`cold ${spec.bundle} ended ${run.report?.outcome}, not ${expected}`);
  return run;
}

const walls = (runs: readonly ColdRun[]): number[] => runs.map((run) => run.wallMs);

function bundleSizes(): Figure[] {
  const dist = join(benchRoot(), 'dist');
  const sizes = JSON.parse(readFileSync(join(dist, 'sizes.json'), 'utf8')) as Record<string, number>;
  return (['callback', 'worker'] as const).map((name) => {
    const bytes = sizes[name];
    const cache = sizes[`${name} code cache`];
    if (bytes === undefined || cache === undefined) throw new Error(`dist/sizes.json has no ${name}: run npm run build`);
    const gzip = gzipSync(readFileSync(join(dist, name, 'function.js'))).length;
    return {
      group: 'cold process',
      name: `${name} bundle size`,
      value: round(bytes / 1024, 1),
      unit: 'KiB',
      note:
        `${bytes} bytes, ${round(gzip / 1024, 1)} KiB gzip (dist/${name}/function.js, source map excluded); its V8 code ` +
        `cache function.js.cache ${round(cache / 1024, 1)} KiB, the loader index.js ${round((sizes[`${name} loader`] ?? 0) / 1024, 1)} KiB`,
    };
  });
}

/** A copy of dist/<name> without function.js.cache: the function as a runtime that rejects the cache loads it. */
function withoutCodeCache(name: 'callback' | 'worker', into: string): string {
  const folder = join(into, name);
  cpSync(join(benchRoot(), 'dist', name), folder, { recursive: true, filter: (path) => !path.endsWith('function.js.cache') });
  return join(folder, 'index.js');
}

export async function measureColdStart(stack: WorkerStack): Promise<Figure[]> {
  const specs = coldSpecs(stack);
  type Sample = 'bareWorker' | 'bareCallback' | 'worker' | 'workerUncached' | 'workerRequire' | 'callback' | 'callbackUncached' | 'callbackRequire' | 'floor';
  const samples: Record<Sample, ColdRun[]> = {
    bareWorker: [], bareCallback: [], worker: [], workerUncached: [], workerRequire: [], callback: [], callbackUncached: [], callbackRequire: [], floor: [],
  };
  const uncached = mkdtempSync(join(tmpdir(), 'bench-no-code-cache-'));
  try {
    await sampleColdRuns(specs, stack, samples, { worker: withoutCodeCache('worker', uncached), callback: withoutCodeCache('callback', uncached) });
  } finally {
    rmSync(uncached, { recursive: true, force: true });
  }
  const bareWorker = median(walls(samples.bareWorker));
  const bareCallback = median(walls(samples.bareCallback));
  const how = `median of ${RUNS}, interleaved with bare node`;
  const figure = (name: string, runs: ColdRun[], bare: number, options: string, budgetMs?: number): Figure => {
    const value = median(walls(runs));
    const cpu = runs.map((run) => run.report?.cpuMs ?? 0);
    const result = againstFloor(
      { group: 'cold process', name, value: round(value), unit: 'ms', note: `wall time from spawn to exit, ${how}, ${describeNodeOptions(options)}; range ${range(walls(runs))} ms; CPU time (all threads) median ${round(median(cpu), 1)} ms` },
      { value: bare, what: `bare \`node -e 0\` with the same NODE_OPTIONS, median of ${RUNS} (range ${range(walls(bare === bareCallback ? samples.bareCallback : samples.bareWorker))} ms)` },
    );
    return budgetMs === undefined ? result : { ...result, budget: { rule: `≤ bare node + ${budgetMs} ms`, pass: value - bare <= budgetMs } };
  };
  const rss = samples.worker.map((run) => (run.report?.maxRssKiB ?? 0) / 1024);
  const floorRss = samples.floor.map((run) => (run.report?.maxRssKiB ?? 0) / 1024);
  const rssValue = median(rss);
  return [
    ...bundleSizes(),
    figure(`worker cold process: boot, require, first turn on ${HISTORY_TURNS} turns of history`, samples.worker, bareWorker, specs.workerOptions, WORKER_BUDGET_MS),
    figure(`worker cold process without the V8 code cache (as on a runtime whose V8 rejects it; breakdown)`, samples.workerUncached, bareWorker, specs.workerOptions),
    figure('worker require only (breakdown)', samples.workerRequire, bareWorker, specs.workerOptions),
    figure('callback cold process: require + one signed call', samples.callback, bareCallback, specs.callbackOptions, CALLBACK_BUDGET_MS),
    figure(`callback cold process without the V8 code cache (as on a runtime whose V8 rejects it; breakdown)`, samples.callbackUncached, bareCallback, specs.callbackOptions),
    figure('callback require only (breakdown)', samples.callbackRequire, bareCallback, specs.callbackOptions),
    againstFloor(
      {
        group: 'memory',
        name: `worker peak RSS, cold process through one turn on ${HISTORY_TURNS} turns of history`,
        value: round(rssValue, 1),
        unit: 'MiB',
        budget: { rule: `≤ ${RSS_BUDGET_MIB} MiB`, pass: rssValue <= RSS_BUDGET_MIB },
        note:
          `the OS's maxRSS (ru_maxrss) for the whole run of the cold processes above, read in an exit handler after the ` +
          `turn and its queued callbacks; ${describeNodeOptions(specs.workerOptions)}; median of ${RUNS} (range ${range(rss)})`,
      },
      { value: median(floorRss), what: `the same child with the same NODE_OPTIONS, loading nothing and running no turn, median of ${RUNS}` },
    ),
  ];
}

/** The interleaved runs (bare, worker, worker without its cache, …): one unrecorded round first warms the file cache. */
async function sampleColdRuns(
  specs: ColdSpecs,
  stack: WorkerStack,
  samples: Record<string, ColdRun[]>,
  uncached: { worker: string; callback: string },
): Promise<void> {
  const workerRequire: ColdSpec = { mode: 'require', bundle: workerBundlePath(), env: stack.env, nodeOptions: specs.workerOptions };
  const callbackRequire: ColdSpec = { mode: 'require', bundle: callbackBundlePath(), env: callbackEnv(stack.standIns.urls), nodeOptions: specs.callbackOptions };
  for (let run = -1; run < RUNS; run += 1) {
    const batch: Array<[string, ColdRun]> = [
      ['bareWorker', await coldRun(specs.bare(specs.workerOptions), '')],
      ['worker', await coldRun(await specs.workerTurn(`u${run}`), 'answered')],
      ['workerUncached', await coldRun({ ...(await specs.workerTurn(`n${run}`)), bundle: uncached.worker }, 'answered')],
      ['workerRequire', await coldRun(workerRequire, 'required')],
      ['bareCallback', await coldRun(specs.bare(specs.callbackOptions), '')],
      ['callback', await coldRun(specs.callbackCall(run + 1), '200')],
      ['callbackUncached', await coldRun({ ...specs.callbackCall(RUNS + run + 2), bundle: uncached.callback }, '200')],
      ['callbackRequire', await coldRun(callbackRequire, 'required')],
      ['floor', await coldRun({ mode: 'floor', env: stack.env, nodeOptions: specs.workerOptions }, 'nothing loaded')],
    ];
    if (run >= 0) for (const [name, result] of batch) samples[name]?.push(result);
  }
}
