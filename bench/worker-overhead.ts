import { Agent } from 'node:http';
import { againstFloor, median, percentile, round, type Figure } from './figures';
import { chineseText, QUESTION_CHARS } from './history-fill';
import { divertStdout } from './in-process';
import { checkReplay, prepareReplay, sendReplay, type OssTwin } from './replay';
import { BUCKETS, STS, type LoggedRequest } from './stand-ins/protocol';
import { syncLedgerTwin } from './twin-sync';
import type { WorkerHandler, WorkerStack } from './worker-harness';

/**
 * Figure 3: what one turn of the worker costs besides the model's own time. The model answers at once, so a turn is
 * the worker's work plus its HTTP round trips to OSS, the model and DingTalk, all served by the stand-ins process.
 * The floor replays that very turn's requests (from the stand-ins' log) with plain node:http keep-alive, so every
 * server does the same work again; OSS requests go to a twin bucket kept identical to the worker's (the shared
 * control ledger copied in first, twin-sync.ts; every object then changes in both alike). Turn and floor alternate,
 * so drift on the shared machine hits both alike.
 */
const CONVERSATIONS = 20;
const WARMUP = 40;
const TURNS = 200;
const HISTORY_TWIN: OssTwin = { from: BUCKETS.history, to: BUCKETS.historyTwin, credential: STS };

const shapeOf = (entries: readonly LoggedRequest[]): string => {
  const count = (server: string) => entries.filter((entry) => entry.server === server).length;
  return `${count('oss')} OSS, ${count('openai')} OpenAI, ${count('dingtalk')} DingTalk`;
};

const OSS_OPERATIONS: Record<string, string> = { GET: 'GetObject', PUT: 'PutObject', HEAD: 'HeadObject', DELETE: 'DeleteObject' };

/** 'OSS AppendObject', 'OpenAI POST /v1/chat/completions', …: what a request was, without its key or session. */
function describeRequest(entry: LoggedRequest): string {
  if (entry.server === 'oss') return `OSS ${entry.method === 'POST' && /[?&]append/.test(entry.path) ? 'AppendObject' : (OSS_OPERATIONS[entry.method] ?? entry.method)}`;
  return `${entry.server === 'openai' ? 'OpenAI' : entry.server === 'dingtalk' ? 'DingTalk' : 'FC'} ${entry.method} ${entry.path.replace(/\?.*$/, '')}`;
}

export async function measureOverhead(stack: WorkerStack, handler: WorkerHandler): Promise<{ figures: Figure[]; turnMs: number }> {
  const agent = new Agent({ keepAlive: true });
  const worker: number[] = [];
  const floor: number[] = [];
  const shapes = new Map<string, number>();
  let operations: string[] = [];
  let logLines = 0;
  let requests = 0;
  await syncLedgerTwin(stack, HISTORY_TWIN);
  const stdout = divertStdout();
  try {
    for (let n = 0; n < WARMUP + TURNS; n += 1) {
      const event = await stack.event(`overhead-${n % CONVERSATIONS}`, `msgBench${n}==`, chineseText(n, QUESTION_CHARS));
      const since = await stack.standIns.call({ type: 'logLength' });
      const lines = stdout.lines();
      const started = performance.now();
      const outcome = await handler(event, stack.context);
      const elapsed = performance.now() - started;
      if (outcome !== 'answered') throw new Error(`bench turn ${n} was ${outcome}, not answered`);
      const entries = await stack.standIns.call({ type: 'log', since });
      const replay = prepareReplay(entries, stack.standIns.urls, HISTORY_TWIN);
      const floorStarted = performance.now();
      const statuses = await sendReplay(agent, replay);
      const floorMs = performance.now() - floorStarted;
      checkReplay(replay, statuses);
      if (n < WARMUP) continue;
      worker.push(elapsed);
      floor.push(floorMs);
      logLines += stdout.lines() - lines;
      requests += entries.length;
      const shape = shapeOf(entries);
      shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
      operations = entries.map(describeRequest);
    }
  } finally {
    stdout.restore();
    agent.destroy();
  }

  const [shape = '?'] = [...shapes.entries()].sort((a, b) => b[1] - a[1]).map(([text]) => text);
  const mixed = shapes.size > 1 ? ` (not every turn alike: ${[...shapes].map(([s, c]) => `${c}× ${s}`).join('; ')})` : '';
  const perTurn = round(requests / TURNS, 2);
  const what =
    `the same turn's ${perTurn} requests (${shape}) replayed with node:http keep-alive, same method, path, headers and ` +
    `body, to the same stand-ins (OSS into a twin bucket holding the same history and control-ledger objects, re-signed ` +
    `beforehand), right after the turn`;
  const setting =
    `${TURNS} turns after ${WARMUP} warm-up, the built worker in the bench process as FC loads it; local OSS (STS), fake ` +
    `OpenAI (zero delay) and the fake session webhook in a separate stand-ins process over loopback; each turn a fresh ` +
    `msgId, rotating over ${CONVERSATIONS} conversations (≤ ${(WARMUP + TURNS) / CONVERSATIONS} turns each, inside the ` +
    `64 KiB tail); LOG_LEVEL=info as in production, ${round(logLines / TURNS, 1)} JSON lines per turn written to /dev/null`;
  const medianRatio = median(worker) / median(floor);
  const p99Ratio = percentile(worker, 99) / percentile(floor, 99);
  const figures: Figure[] = [
    {
      group: 'worker',
      name: 'HTTP requests per turn',
      value: perTurn,
      unit: 'requests',
      note: `${shape}${mixed}; in order: ${operations.join(', ')}; no DingTalk token (the session webhook needs none)`,
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
      { value: median(floor), what: `${what}; median` },
    ),
    againstFloor(
      {
        group: 'worker',
        name: 'worker overhead per turn, p99',
        value: round(percentile(worker, 99), 3),
        unit: 'ms',
        budget: { rule: 'p99 ≤ 2× floor p99', pass: p99Ratio <= 2 },
        note: `same ${TURNS} turns`,
      },
      { value: percentile(floor, 99), what: `${what}; p99` },
    ),
  ];
  return { figures, turnMs: median(worker) };
}
