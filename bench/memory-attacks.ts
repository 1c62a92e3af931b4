import { readDeployedSizing } from './cost';
import { againstFloor, median, round, type Figure } from './figures';
import { runWorkerChild, workerNodeOptions } from './worker-memory';
import { describeNodeOptions } from './node-options';
import { loadWorkerConfig } from '../shared/config/worker-config';
import type { WorkerStack } from './worker-harness';

/**
 * Figure 5b: peak RSS of a worker process (OS-reported maxRSS, as figure 5) through one turn under input that would
 * blow its memory if any answer were read whole: a message with twenty 5 MiB pictures, a 300 MB reply from the session
 * webhook, the same as a gzip bomb (300 MB of zeros in about 300 KB), and a gzip-bombed error page from the model.
 * Each must stay within s.yaml's worker memorySize with a margin (MEMORY_SHARE of it). Every run also checks that the turn ended as it should (the reply went out once, by
 * the webhook that took it; the user heard about the pictures left out), so a figure cannot come from a turn that
 * skipped the attack.
 */
const MB = 1024 * 1024;
/** The share of the function's memory a run may reach: the rest is margin for what a local run does not show. */
export const MEMORY_SHARE = 0.8;
const RUNS = 3;
const PICTURES = 20;
/**
 * The worst message the default limits let through: every picture as large as one may be (IMAGE_MAX_BYTES, capped by
 * IMAGE_TOTAL_MAX_BYTES), more of them than are read (IMAGE_MAX_COUNT). BENCH_IMAGE_MAX_BYTES and
 * BENCH_IMAGE_TOTAL_MAX_BYTES try other limits (they are handed to the worker as its settings).
 */
const limitsNote = (limits: ReturnType<typeof pictureLimits>): string =>
  `${Object.keys(limits.env).length ? 'tried' : 'default'} limits (pictures of ${round(limits.pictureBytes / MB, 2)} MiB, ` +
  `IMAGE_MAX_COUNT ${limits.count}, IMAGE_TOTAL_MAX_BYTES ${round(limits.totalBytes / MB, 2)} MiB)`;

function pictureLimits(stack: WorkerStack): { env: Record<string, string>; pictureBytes: number; totalBytes: number; count: number } {
  const env: Record<string, string> = {};
  const tried = { IMAGE_MAX_BYTES: process.env['BENCH_IMAGE_MAX_BYTES'], IMAGE_TOTAL_MAX_BYTES: process.env['BENCH_IMAGE_TOTAL_MAX_BYTES'] };
  for (const [name, value] of Object.entries(tried)) if (value) env[name] = value;
  const config = loadWorkerConfig({ ...stack.env, ...env });
  return { env, pictureBytes: Math.min(config.imageMaxBytes, config.images.totalMaxBytes), totalBytes: config.images.totalMaxBytes, count: config.images.maxCount };
}
const FLOOD_BYTES = 300 * MB;

interface Attack {
  name: string;
  /** Peak RSS before answers were bounded, for comparison. */
  before: string;
  /** Queues the hostile answers for one run and gives the message that meets them. */
  prepare(stack: WorkerStack, run: number): Promise<{ event: Buffer; env?: Record<string, string> }>;
  /** Throws unless the run's turn ended as it should. */
  check(stack: WorkerStack, run: number): Promise<void>;
}

const lastText = async (stack: WorkerStack): Promise<string> => (await stack.standIns.call({ type: 'lastMessage' }))?.text ?? '';

const ATTACKS: Attack[] = [
  {
    name: `one message with ${PICTURES} pictures, each as large as the limits allow`,
    before: '1.1 GB',
    async prepare(stack, run) {
      const limits = pictureLimits(stack);
      const richText: unknown[] = [{ text: '这些图片里有什么？' }];
      for (let index = 0; index < PICTURES; index += 1) {
        await stack.standIns.call({ type: 'addFile', downloadCode: `attack-${run}-${index}`, pngBytes: limits.pictureBytes });
        richText.push({ type: 'picture', downloadCode: `attack-${run}-${index}` });
      }
      const event = JSON.parse((await stack.event(`attack-pictures-${run}`, `msgAttackPictures${run}==`, '')).toString('utf8'));
      delete event.message.text;
      Object.assign(event.message, { msgtype: 'richText', content: { richText } });
      return { event: Buffer.from(JSON.stringify(event)), env: { OPENAI_VISION_MODELS: 'fake-model', ...limits.env } };
    },
    async check(stack) {
      const body = (await stack.standIns.call({ type: 'lastModelBody' })) as { messages?: Array<{ content?: unknown }> } | null;
      const content = body?.messages?.at(-1)?.content;
      const parts: Array<{ type: string }> = Array.isArray(content) ? content : [];
      const images = parts.filter((part) => part.type === 'image_url').length;
      if (!(await lastText(stack)).includes('只读取了前')) throw new Error(`pictures run: the answer has no note (${images} images sent)`);
    },
  },
  {
    name: 'a 300 MB reply from the session webhook',
    before: '800 MB',
    async prepare(stack, run) {
      await stack.standIns.call({ type: 'failNext', route: 'webhook', times: 1, failure: { status: 200, oversized: { bytes: FLOOD_BYTES } } });
      return { event: await stack.event(`attack-flood-${run}`, `msgAttackFlood${run}==`, '你好') };
    },
    // DingTalk took the post; an unreadable answer leaves its outcome unknown, so it is not sent again elsewhere.
    check: (stack) => expectVia(stack, 'webhook'),
  },
  {
    name: 'a gzip bomb (300 MB inflated) from the session webhook',
    before: '1.5 GB',
    async prepare(stack, run) {
      await stack.standIns.call({ type: 'failNext', route: 'webhook', times: 1, failure: { status: 200, oversized: { bytes: FLOOD_BYTES, gzip: true } } });
      return { event: await stack.event(`attack-bomb-${run}`, `msgAttackBomb${run}==`, '你好') };
    },
    check: (stack) => expectVia(stack, 'webhook'),
  },
  {
    name: 'a gzip-bombed error page (300 MB inflated) from the model',
    before: 'not measured',
    async prepare(stack, run) {
      const bomb = { status: 502, oversized: { bytes: FLOOD_BYTES, gzip: true } };
      await stack.standIns.call({ type: 'enqueueModel', replies: [bomb, bomb] });
      return { event: await stack.event(`attack-model-${run}`, `msgAttackModel${run}==`, '你好') };
    },
    async check(stack) {
      if (!(await lastText(stack)).includes('模型服务暂时出错')) throw new Error('model bomb run: the user was not told the model failed');
    },
  },
];

async function expectVia(stack: WorkerStack, via: string): Promise<void> {
  const last = await stack.standIns.call({ type: 'lastMessage' });
  if (last?.via !== via) throw new Error(`webhook run: the reply went ${last?.via ?? 'nowhere'}, not through ${via}`);
}

/** `bundle` lets the same attacks be measured on another build of the worker, for a before/after comparison. */
export async function measureMemoryAttacks(stack: WorkerStack, bundle?: string): Promise<Figure[]> {
  const memoryMb = readDeployedSizing().worker.memoryMb;
  const budgetMb = round(memoryMb * MEMORY_SHARE, 1);
  const floors: number[] = [];
  const figures: Figure[] = [];
  for (const attack of ATTACKS) {
    const samples: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const { event, env = {} } = await attack.prepare(stack, run);
      if (floors.length < RUNS) floors.push((await runWorkerChild(stack, 'floor', event, env, bundle)).maxRssKiB / 1024);
      const result = await runWorkerChild(stack, 'run', event, env, bundle);
      if (result.outcome !== 'answered') throw new Error(`${attack.name}: the turn was ${result.outcome}, not answered`);
      // Another build may not bound anything, so only this build's turns are held to how they must end.
      if (bundle === undefined) await attack.check(stack, run);
      samples.push(result.maxRssKiB / 1024);
    }
    const worst = Math.max(...samples);
    figures.push(
      againstFloor(
        {
          group: 'memory',
          name: `worker peak RSS, ${attack.name}`,
          value: round(median(samples), 1),
          unit: 'MiB',
          budget: { rule: `≤ ${budgetMb} MiB = ${MEMORY_SHARE * 100}% of s.yaml's memorySize ${memoryMb} MB (every run)`, pass: worst <= budgetMb },
          note:
            `maxRSS of a fresh node ${process.version} process with ${describeNodeOptions(workerNodeOptions())}, median of ${RUNS}, worst ${round(worst, 1)}; ` +
            `${limitsNote(pictureLimits(stack))}, DingTalk answers 256 KiB, model error bodies 64 KiB; ` +
            `before answers were bounded: ${attack.before}`,
        },
        { value: median(floors), what: 'the same child process without loading the worker or running the turn (bare node + harness)' },
      ),
    );
  }
  return figures;
}
