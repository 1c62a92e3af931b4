import { join } from 'node:path';
import { coldRun } from './cold-start';
import { type ColdRun, type ColdSpec } from './cold-process';
import { againstFloor, benchRoot, median, range, round, type Figure } from './figures';
import { describeNodeOptions } from './node-options';
import { BUCKETS } from './stand-ins/protocol';
import type { WorkerStack } from './worker-harness';

/**
 * What each client the worker uses costs a cold process, measured by the bench: a tiny program per client
 * (bench/clients/*.ts, bundled with the worker's production options into dist/bench/clients/) that builds it through
 * the product's own factory and makes one request of the kind the worker makes against the stand-ins. Each is
 * reported as its difference from bare `node -e 0` with the same NODE_OPTIONS, runs interleaved.
 */
const RUNS = 15;
const CLIENTS = {
  'ali-oss': 'OSS client (createOssClient), one AppendObject',
  openai: 'model client (createOpenAiChatModel), one chat completion',
  axios: 'DingTalk HTTP client (createDingTalkHttp), one session-webhook post',
} as const;
type Client = keyof typeof CLIENTS;

export async function measureClientCosts(stack: WorkerStack, nodeOptions: string): Promise<Figure[]> {
  const webhook = await stack.standIns.call({ type: 'session', id: 'session-client-cost' });
  const spec = (client: Client, run: number): ColdSpec => ({
    mode: 'run',
    bundle: join(benchRoot(), 'dist', 'bench', 'clients', `${client}.js`),
    env: { ...stack.env, OSS_BUCKET: BUCKETS.history, BENCH_OSS_KEY: `bench/client-cost/${process.pid}-${run}`, BENCH_WEBHOOK_URL: webhook },
    nodeOptions,
    context: stack.context,
  });
  const samples: Record<Client | 'bare', ColdRun[]> = { bare: [], 'ali-oss': [], openai: [], axios: [] };
  for (let run = -1; run < RUNS; run += 1) {
    const bare = await coldRun({ mode: 'bare', nodeOptions }, '');
    const clients: Array<[Client, ColdRun]> = [];
    for (const client of Object.keys(CLIENTS) as Client[]) clients.push([client, await coldRun(spec(client, run), 'answered')]);
    if (run < 0) continue;
    samples.bare.push(bare);
    for (const [client, result] of clients) samples[client].push(result);
  }
  const walls = (runs: ColdRun[]) => runs.map((run) => run.wallMs);
  const bare = median(walls(samples.bare));
  return (Object.keys(CLIENTS) as Client[]).map((client) =>
    againstFloor(
      {
        group: 'clients',
        name: `${client} in a cold process: ${CLIENTS[client]}`,
        value: round(median(walls(samples[client]))),
        unit: 'ms',
        note:
          `dist/bench/clients/${client}.js, bundled with the worker's production options; spawn to exit, median of ${RUNS} ` +
          `(range ${range(walls(samples[client]))} ms), ${describeNodeOptions(nodeOptions)}; peak RSS median ` +
          `${round(median(samples[client].map((r) => (r.report?.maxRssKiB ?? 0) / 1024)), 1)} MiB`,
      },
      { value: bare, what: `bare \`node -e 0\` with the same NODE_OPTIONS, median of ${RUNS}` },
    ),
  );
}
