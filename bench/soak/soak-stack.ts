import { appendFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startLocalStack } from '../../local/stack';
import { STAND_IN_APP_KEY, STAND_IN_APP_SECRET, startDingTalkStandIn } from '../../local/dingtalk/dingtalk-stand-in';
import { startFakeOpenAi } from '../../test/helpers/fake-openai';
import { dingtalkFaults } from './dingtalk-faults';
import type { FaultBook } from './fault-book';
import { createClock, createInFlight } from './in-flight';
import { createKills } from './kills';
import { modelFaults } from './model-faults';
import { ossFaults } from './oss-faults';
import type { SoakMessage } from './plan';
import { startProxy } from './proxy';

/**
 * The built bundles on the local stack, with a fault proxy in front of each thing the worker talks to: the fake
 * model (test/helpers/fake-openai, whose default answer echoes the user's text and so the message's tag), the fake
 * DingTalk (local/dingtalk/dingtalk-stand-in.ts: token, robot OpenAPI, session webhooks) and the OSS stand-in. FC runs the
 * worker with its retries (3, short delays) and may run an event twice or forget a task id when the plan says so.
 */
export const SOAK_BUCKET = 'soak-history';
export const HISTORY_PREFIX = 'dingtalk-llm/history/';
const API_KEYS = ['sk-soak-first-key-0000000', 'sk-soak-second-key-111111'];

export async function startSoakStack(messages: readonly SoakMessage[], book: FaultBook) {
  const byTag = new Map(messages.map((message) => [message.tag, message.msgId]));
  const byId = new Map(messages.map((message) => [message.msgId, message]));
  const clock = createClock();
  const inFlight = createInFlight();
  const forgotten = new Set<string>();
  const logFile = join(mkdtempSync(join(tmpdir(), 'dingtalk-soak-')), 'functions.log');

  const dingtalk = await startDingTalkStandIn();
  const openai = await startFakeOpenAi({ apiKeys: API_KEYS });
  let ossUrl = '';
  let crash: (matches: (event: Buffer) => boolean) => Promise<number> = async () => 0;
  const kills = createKills((matches) => crash(matches), clock);
  const model = modelFaults({ book, kills, clock, byTag: (tag) => byTag.get(tag) });
  const dt = dingtalkFaults({
    book, kills, clock, inFlight, recorded: dingtalk.messages,
    bySession: (session) => messages[Number(session.slice(1))]?.msgId,
    byTag: (tag) => byTag.get(tag),
  });
  const oss = ossFaults({ book, kills, clock, inFlight, bucket: SOAK_BUCKET, historyPrefix: HISTORY_PREFIX, isSoakMessage: (id) => byId.has(id) });
  const proxies = await Promise.all([
    startProxy(() => openai.baseURL, model.hook),
    startProxy(() => dingtalk.url, dt.hook),
    startProxy(() => ossUrl, oss.hook),
  ]);
  const [modelProxy, dingtalkProxy, ossProxy] = proxies;

  const stack = await startLocalStack({
    rootDir: projectRoot(),
    env: {
      PATH: process.env['PATH'] ?? '',
      DINGTALK_APP_KEY: STAND_IN_APP_KEY,
      DINGTALK_APP_SECRET: STAND_IN_APP_SECRET,
      DINGTALK_API_BASE: dingtalkProxy.url,
      OPENAI_API_KEY: API_KEYS.join(','),
      OPENAI_BASE_URL: `${modelProxy.url}/v1`,
      OPENAI_MODEL: 'fake-model',
      OPENAI_TIMEOUT_MS: '5000',
      OSS_BUCKET: SOAK_BUCKET,
      HISTORY_PREFIX,
      LOG_LEVEL: 'info',
    },
    port: 0,
    webhookHosts: [new URL(dingtalkProxy.url).host],
    worker: { timeoutSeconds: 30, maxRetries: 3, retryDelayMs: 300 },
    faults: {
      workerEnv: { OSS_ENDPOINT: ossProxy.url },
      redeliver: (body) => {
        const message = messageOf(body, byId);
        const kind = message?.fault?.kind;
        if (message === undefined || (kind !== 'fc-redelivery-afterwards' && kind !== 'fc-redelivery-concurrent')) return undefined;
        if (!book.take(message.msgId, kind)) return undefined;
        return kind === 'fc-redelivery-concurrent' ? 'concurrently' : 'afterwards';
      },
      remembersTask: (taskId) => !forgotten.has(taskId),
    },
    onOutput: (text) => appendFileSync(logFile, text),
  });
  ossUrl = stack.oss.url;
  crash = stack.crashWorker;

  async function close(): Promise<void> {
    await stack.close();
    await Promise.all([...proxies.map((proxy) => proxy.close()), dingtalk.close(), openai.close()]);
  }

  return {
    stack, dingtalk, clock, inFlight, kills, forgotten, logFile, close,
    webhookUrl: (message: SoakMessage) => {
      dingtalk.webhookUrl(`m${message.index}`);
      return `${dingtalkProxy.url}/robot/sendBySession?session=m${message.index}`;
    },
    records: { modelCalls: model.calls, deliveries: dt.deliveries, recordAppends: oss.records, writtenKeys: oss.writtenKeys, kills: kills.log },
  };
}

/** The folder with package.json above this bundle (dist/bench/soak/index.js) or this source file. */
export function projectRoot(from: string = __dirname): string {
  for (let folder = from; folder !== dirname(folder); folder = dirname(folder)) if (existsSync(join(folder, 'package.json'))) return folder;
  throw new Error(`no package.json above ${from}`);
}

export type SoakStack = Awaited<ReturnType<typeof startSoakStack>>;

function messageOf(body: Buffer, byId: ReadonlyMap<string, SoakMessage>): SoakMessage | undefined {
  const id = /"msgId":"([^"]+)"/.exec(body.toString('utf8'))?.[1];
  return id === undefined ? undefined : byId.get(id);
}
