import { Agent, request } from 'node:http';
import { againstFloor, median, percentile, round, type Figure } from './figures';
import { chineseText, QUESTION_CHARS } from './history-fill';
import { divertStdout } from './in-process';
import type { WorkerHandler, WorkerStack } from './worker-harness';

/**
 * Figure 3: what one turn of the worker costs besides the model's own time. The model answers at once, so a turn is
 * the worker's work plus its HTTP round trips to OSS, the model and DingTalk. The floor is the same number of plain
 * keep-alive round trips to the same servers, each answered as cheaply as that server can, measured right after
 * each turn so drift on the shared machine hits both alike.
 */
const CONVERSATIONS = 20;
const WARMUP = 40;
const TURNS = 200;

type Counts = ReturnType<WorkerStack['counts']>;

function roundTrip(agent: Agent, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.on('end', resolve).on('error', reject).resume();
    });
    req.on('error', reject).end();
  });
}

/** `used` round trips: OSS GET / (501, no bucket), OpenAI GET /v1/models (200), DingTalk GET /bench (404). */
async function floorTurn(stack: WorkerStack, agent: Agent, used: Counts): Promise<number> {
  const started = performance.now();
  for (let n = 0; n < used.oss; n += 1) await roundTrip(agent, `${stack.oss.url}/`);
  for (let n = 0; n < used.openai; n += 1) await roundTrip(agent, `${stack.openai.baseURL}/models`);
  for (let n = 0; n < used.dingtalk; n += 1) await roundTrip(agent, `${stack.dingtalk.url}/bench`);
  return performance.now() - started;
}

export async function measureOverhead(stack: WorkerStack, handler: WorkerHandler): Promise<{ figures: Figure[]; turnMs: number }> {
  const agent = new Agent({ keepAlive: true });
  const worker: number[] = [];
  const floor: number[] = [];
  const shapes = new Map<string, number>();
  let ossOperations: string[] = [];
  let logLines = 0;
  const stdout = divertStdout();
  try {
    for (let n = 0; n < WARMUP + TURNS; n += 1) {
      const event = stack.event(`overhead-${n % CONVERSATIONS}`, `msgBench${n}==`, chineseText(n, QUESTION_CHARS));
      const before = stack.counts();
      const lines = stdout.lines();
      const started = performance.now();
      const outcome = await handler(event, stack.context);
      const elapsed = performance.now() - started;
      if (outcome !== 'answered') throw new Error(`bench turn ${n} was ${outcome}, not answered`);
      const after = stack.counts();
      const used = { oss: after.oss - before.oss, openai: after.openai - before.openai, dingtalk: after.dingtalk - before.dingtalk };
      const floorMs = await floorTurn(stack, agent, used);
      if (n < WARMUP) continue;
      worker.push(elapsed);
      floor.push(floorMs);
      logLines += stdout.lines() - lines;
      const shape = `${used.oss} OSS, ${used.openai} OpenAI, ${used.dingtalk} DingTalk`;
      shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
      ossOperations = stack.oss.requests.slice(before.oss, after.oss).map((record) => record.operation);
    }
  } finally {
    stdout.restore();
    agent.destroy();
  }

  const [shape = '?'] = [...shapes.entries()].sort((a, b) => b[1] - a[1]).map(([text]) => text);
  const total = shape.match(/\d+/g)?.reduce((sum, count) => sum + Number(count), 0) ?? Number.NaN;
  const mixed = shapes.size > 1 ? ` (not every turn alike: ${[...shapes].map(([s, c]) => `${c}× ${s}`).join('; ')})` : '';
  const what = `${total} plain keep-alive HTTP round trips per turn with node:http to the same servers (${shape})`;
  const setting =
    `${TURNS} turns after ${WARMUP} warm-up, the built worker in-process against local OSS (STS), fake OpenAI ` +
    `(zero delay) and a fake session webhook, all in this process; each turn a fresh msgId, rotating over ` +
    `${CONVERSATIONS} conversations (≤ ${(WARMUP + TURNS) / CONVERSATIONS} turns each, well inside the 64 KiB tail); ` +
    `LOG_LEVEL=info as in production, ${round(logLines / TURNS, 1)} JSON lines per turn written to /dev/null`;
  const medianRatio = median(worker) / median(floor);
  const figures: Figure[] = [
    {
      group: 'worker',
      name: 'HTTP requests per turn',
      value: total,
      unit: 'requests',
      note: `${shape}${mixed}; OSS: ${ossOperations.join(', ')}; no DingTalk token (the session webhook needs none)`,
    },
    againstFloor(
      {
        group: 'worker',
        name: 'worker overhead per turn, median',
        value: round(median(worker), 3),
        unit: 'ms',
        budget: { rule: 'median ≤ 2× floor median', pass: medianRatio <= 2 },
        note: setting,
      },
      { value: median(floor), what },
    ),
    againstFloor(
      { group: 'worker', name: 'worker overhead per turn, p99', value: round(percentile(worker, 99), 3), unit: 'ms', note: `same ${TURNS} turns` },
      { value: percentile(floor, 99), what },
    ),
  ];
  return { figures, turnMs: median(worker) };
}
