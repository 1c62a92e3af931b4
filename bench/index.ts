import { ACK_P50, measureAck } from './ack';
import { measureCardStreaming } from './card-streaming';
import { measureClientCosts } from './client-cost';
import { measureCapped } from './cold-capped';
import { coldSpecs, measureColdStart } from './cold-start';
import { CALLBACK_SIZES, estimateCost, readDeployedSizing, sizesWith, WORKER_SIZES } from './cost';
import { measureDeployedEnv } from './deployed-env';
import { benchRoot, elapsedMs, type Figure } from './figures';
import { writeReport } from './report';
import { startStandIns } from './stand-ins/client';
import { measureWorker } from './worker';
import { startWorkerStack } from './worker-harness';

/**
 * `npm run bench` (after `npm run build`, which the script runs first): every figure on the built bundles, one part
 * after the other so they do not compete for the CPU, then the table, bench/results/latest.{json,md} and the README's
 * short table. The stand-ins (OSS, OpenAI, DingTalk, FC) run in a process of their own for the whole run.
 * Progress goes to stderr, the report to stdout.
 */
async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  process.stderr.write(`bench: ${name}…`);
  const start = process.hrtime.bigint();
  const result = await run();
  process.stderr.write(` ${(elapsedMs(start) / 1000).toFixed(1)} s\n`);
  return result;
}

async function main(): Promise<void> {
  const start = process.hrtime.bigint();
  const figures: Figure[] = [];
  const standIns = await startStandIns();
  try {
    const stack = await startWorkerStack(standIns);
    const ack = await step('acknowledgement (in process, then over HTTP)', () => measureAck(standIns));
    figures.push(...ack);
    figures.push(...(await step('cold process', () => measureColdStart(stack))));
    const deployed = readDeployedSizing();
    const workerSizes = sizesWith(WORKER_SIZES, deployed.worker).map((s) => s.cpu);
    const callbackSizes = sizesWith(CALLBACK_SIZES, deployed.callback).map((s) => s.cpu);
    const specs = coldSpecs(stack);
    const capped = await step('cold process under CPU caps', () => measureCapped(specs, workerSizes, callbackSizes));
    figures.push(...capped.figures);
    figures.push(...(await step('clients in a cold process', () => measureClientCosts(stack, specs.workerOptions))));
    figures.push(...measureDeployedEnv(benchRoot()));
    const worker = await step('worker (overhead, memory attacks, history growth)', () => measureWorker(stack));
    figures.push(...worker.figures);
    figures.push(...(await step('streaming', () => measureCardStreaming())));
    const callbackMs = ack.find((figure) => figure.name === ACK_P50)?.value;
    if (callbackMs === undefined) throw new Error(`no "${ACK_P50}" figure`);
    const cold = new Map(capped.capped.map((entry) => [entry.vcpu, { ...(entry.worker ? { worker: entry.worker.ms } : {}), ...(entry.callback ? { callback: entry.callback.ms } : {}) }]));
    figures.push(...estimateCost({ callbackMs, workerMs: worker.turnMs, cold, coldLabel: capped.label }));
  } finally {
    await standIns.close();
  }
  const seconds = elapsedMs(start) / 1000;
  writeReport(figures, seconds);
  console.log(`npm run bench: measured in ${seconds.toFixed(1)} s`);
}

main().then(
  // The loaded callback bundle and the keep-alive agents may hold idle sockets; the report is out, so exit.
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
