import { againstFloor, median, round, type Figure } from './figures';
import { runChild } from './worker-memory';
import type { WorkerStack } from './worker-harness';

/**
 * Figure 5b: peak RSS of a worker process (OS-reported maxRSS, as figure 5) through one turn under input that would
 * blow its memory if any answer were read whole: a message with twenty 5 MiB pictures, a 300 MB reply from the session
 * webhook, the same as a gzip bomb (300 MB of zeros in about 300 KB), and a gzip-bombed error page from the model.
 * Each must stay below 256 MB. Every run also checks that the turn ended as it should (the reply went out once, by
 * the webhook that took it; the user heard about the pictures left out), so a figure cannot come from a turn that
 * skipped the attack.
 */
const MB = 1024 * 1024;
const BUDGET_MB = 256;
const RUNS = 3;
const PICTURES = 20;
const PICTURE_BYTES = 5 * MB;
const FLOOD_BYTES = 300 * MB;

interface Attack {
  name: string;
  /** Peak RSS before answers were bounded, for comparison. */
  before: string;
  /** Queues the hostile answers for one run and gives the message that meets them. */
  prepare(stack: WorkerStack, run: number): { event: Buffer; env?: Record<string, string> };
  /** Throws unless the run's turn ended as it should. */
  check(stack: WorkerStack, run: number): void;
}

const lastText = (stack: WorkerStack): string => stack.dingtalk.messages.at(-1)?.text ?? '';

const ATTACKS: Attack[] = [
  {
    name: `one message with ${PICTURES} pictures of ${PICTURE_BYTES / MB} MiB`,
    before: '1.1 GB',
    prepare(stack, run) {
      const picture = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(PICTURE_BYTES - 8)]);
      const richText: unknown[] = [{ text: '这些图片里有什么？' }];
      for (let index = 0; index < PICTURES; index += 1) {
        stack.dingtalk.addFile(`attack-${run}-${index}`, { body: picture });
        richText.push({ type: 'picture', downloadCode: `attack-${run}-${index}` });
      }
      const event = JSON.parse(stack.event(`attack-pictures-${run}`, `msgAttackPictures${run}==`, '').toString('utf8'));
      delete event.message.text;
      Object.assign(event.message, { msgtype: 'richText', content: { richText } });
      return { event: Buffer.from(JSON.stringify(event)), env: { OPENAI_VISION_MODELS: 'fake-model' } };
    },
    check(stack) {
      const parts: Array<{ type: string }> = stack.openai.requests.at(-1)?.body.messages.at(-1).content ?? [];
      const images = parts.filter((part) => part.type === 'image_url').length;
      if (!lastText(stack).includes('只读取了前')) throw new Error(`pictures run: the answer has no note (${images} images sent)`);
    },
  },
  {
    name: 'a 300 MB reply from the session webhook',
    before: '800 MB',
    prepare(stack, run) {
      stack.dingtalk.failNext('webhook', 1, { status: 200, oversized: { bytes: FLOOD_BYTES } });
      return { event: stack.event(`attack-flood-${run}`, `msgAttackFlood${run}==`, '你好') };
    },
    // DingTalk took the post; an unreadable answer leaves its outcome unknown, so it is not sent again elsewhere.
    check: (stack) => expectVia(stack, 'webhook'),
  },
  {
    name: 'a gzip bomb (300 MB inflated) from the session webhook',
    before: '1.5 GB',
    prepare(stack, run) {
      stack.dingtalk.failNext('webhook', 1, { status: 200, oversized: { bytes: FLOOD_BYTES, gzip: true } });
      return { event: stack.event(`attack-bomb-${run}`, `msgAttackBomb${run}==`, '你好') };
    },
    check: (stack) => expectVia(stack, 'webhook'),
  },
  {
    name: 'a gzip-bombed error page (300 MB inflated) from the model',
    before: 'not measured',
    prepare(stack, run) {
      const bomb = { status: 502, oversized: { bytes: FLOOD_BYTES, gzip: true } };
      stack.openai.enqueue(bomb, bomb);
      return { event: stack.event(`attack-model-${run}`, `msgAttackModel${run}==`, '你好') };
    },
    check(stack) {
      if (!lastText(stack).includes('模型服务暂时出错')) throw new Error('model bomb run: the user was not told the model failed');
    },
  },
];

function expectVia(stack: WorkerStack, via: string): void {
  const last = stack.dingtalk.messages.at(-1);
  if (last?.via !== via) throw new Error(`webhook run: the reply went ${last?.via ?? 'nowhere'}, not through ${via}`);
}

/** `bundle` lets the same attacks be measured on another build of the worker, for a before/after comparison. */
export async function measureMemoryAttacks(stack: WorkerStack, bundle?: string): Promise<Figure[]> {
  const floors: number[] = [];
  const figures: Figure[] = [];
  for (const attack of ATTACKS) {
    const samples: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const { event, env = {} } = attack.prepare(stack, run);
      if (floors.length < RUNS) floors.push((await runChild(stack, 'floor', event, env, bundle)).maxRssKiB / 1024);
      const result = await runChild(stack, 'worker', event, env, bundle);
      if (result.outcome !== 'answered') throw new Error(`${attack.name}: the turn was ${result.outcome}, not answered`);
      // Another build may not bound anything, so only this build's turns are held to how they must end.
      if (bundle === undefined) attack.check(stack, run);
      samples.push(result.maxRssKiB / 1024);
    }
    const worst = Math.max(...samples);
    figures.push(
      againstFloor(
        {
          group: 'memory',
          name: `worker peak RSS, ${attack.name}`,
          value: round(median(samples), 1),
          unit: 'MB',
          budget: { rule: `< ${BUDGET_MB} MB (every run)`, pass: worst < BUDGET_MB },
          note:
            `maxRSS of a fresh node ${process.version} process (MB = 2^20 bytes), median of ${RUNS}, worst ${round(worst, 1)}; ` +
            `default limits (IMAGE_MAX_COUNT 4, IMAGE_TOTAL_MAX_BYTES 10 MiB, DingTalk answers 256 KiB, model error bodies 64 KiB); ` +
            `before answers were bounded: ${attack.before}`,
        },
        { value: median(floors), what: 'the same child process without loading the worker or running the turn (bare node + harness)' },
      ),
    );
  }
  return figures;
}
