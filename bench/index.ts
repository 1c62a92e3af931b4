import { ACK_P50, measureAck } from './ack';
import { measureCardStreaming } from './card-streaming';
import { measureColdStart } from './cold-start';
import { measureDeployedEnv } from './deployed-env';
import { estimateCost } from './cost';
import { benchRoot, elapsedMs, type Figure } from './figures';
import { writeReport } from './report';
import { measureWorker } from './worker';

/**
 * `npm run bench` (after `npm run build`, which the script runs first): every figure on the built bundles, one part
 * after the other so they do not compete for the CPU, then the table and bench/results/latest.{json,md}.
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
  const ack = await step('acknowledgement (in process, then over HTTP)', measureAck);
  figures.push(...ack);
  figures.push(...(await step('cold start', () => measureColdStart())));
  figures.push(...measureDeployedEnv(benchRoot()));
  const worker = await step('worker (overhead, memory, history growth)', measureWorker);
  figures.push(...worker.figures);
  figures.push(...(await step('streaming', () => measureCardStreaming())));
  const callbackMs = ack.find((figure) => figure.name === ACK_P50)?.value;
  if (callbackMs === undefined) throw new Error(`no "${ACK_P50}" figure`);
  figures.push(...estimateCost({ callbackMs, workerMs: worker.turnMs }));
  const seconds = elapsedMs(start) / 1000;
  writeReport(figures, seconds);
  console.log(`npm run bench: measured in ${seconds.toFixed(1)} s`);
}

main().then(
  // The loaded callback bundle and the stacks' keep-alive agents may hold idle sockets; the report is out, so exit.
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
