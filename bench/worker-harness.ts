import { join } from 'node:path';
import type { FcContext } from '../shared/fc/context';
import { createWorkerEvent, fcContext } from '../test/helpers/builders';
import { STAND_IN_APP_KEY, STAND_IN_APP_SECRET } from '../local/dingtalk/dingtalk-stand-in';
import { benchRoot } from './figures';
import { loadBundle } from './in-process';
import { startStandIns, type StandIns } from './stand-ins/client';
import { BUCKETS, STS } from './stand-ins/protocol';

/**
 * The worker bundle against the stand-ins (the local OSS server with STS credentials only, the fake OpenAI answering
 * at once, the fake DingTalk serving session webhooks), which run in a process of their own and log every request
 * they answer, so a turn's requests are counted (and replayed) from the servers' side, not the client's.
 */
export type WorkerHandler = (event: Buffer, context: FcContext) => Promise<string>;

export const BUCKET = BUCKETS.history;
export const TAIL_BYTES = 64 * 1024;

export const workerBundlePath = (): string => join(benchRoot(), 'dist', 'worker', 'index.js');

export interface WorkerStack {
  standIns: StandIns;
  /** What the worker reads at cold start; LOG_LEVEL stays at info, as in production. */
  env: Record<string, string>;
  context: FcContext;
  /** A message from `user` (its own conversation) as the callback would queue it, with a live session webhook. */
  event(user: string, msgId: string, text: string): Promise<Buffer>;
  close(): Promise<void>;
}

export function workerEnv(urls: StandIns['urls']): Record<string, string> {
  return {
    DINGTALK_APP_KEY: STAND_IN_APP_KEY,
    DINGTALK_APP_SECRET: STAND_IN_APP_SECRET,
    DINGTALK_API_BASE: urls.dingtalk,
    // The fake DingTalk serves the session webhooks; the worker posts only to listed hosts.
    DINGTALK_WEBHOOK_HOSTS: new URL(urls.dingtalk).host,
    OPENAI_API_KEY: 'sk-bench-000000000000',
    OPENAI_BASE_URL: urls.openai,
    OPENAI_MODEL: 'fake-model',
    OSS_BUCKET: BUCKET,
    OSS_REGION: 'cn-hangzhou',
    OSS_ENDPOINT: urls.oss,
    OSS_INTERNAL: 'false',
    HISTORY_TAIL_BYTES: String(TAIL_BYTES),
    // The growth figures fill a conversation to 1,000 turns (2.6 MB); at the default 1 MiB it would be moved to a
    // fresh object first, which is a one-off cost per rotation, not the per-turn cost being measured.
    HISTORY_MAX_BYTES: String(16 * 1024 * 1024),
    LOG_LEVEL: 'info',
  };
}

export async function startWorkerStack(standIns?: StandIns): Promise<WorkerStack> {
  const own = standIns === undefined;
  const servers = standIns ?? (await startStandIns());
  let deliveries = 0;
  return {
    standIns: servers,
    env: workerEnv(servers.urls),
    context: { ...fcContext, credentials: STS },
    async event(user, msgId, text) {
      const now = Date.now();
      const message = {
        msgId,
        conversationId: `cidBench-${user}==`,
        senderId: `$:LWCP_v1:$${user}`,
        senderStaffId: user,
        createAt: now,
        robotCode: STAND_IN_APP_KEY,
        sessionWebhook: await servers.call({ type: 'session', id: `session-${user}` }),
        sessionWebhookExpiredTime: now + 90 * 60_000,
        text: { content: text },
      };
      return Buffer.from(JSON.stringify({ ...createWorkerEvent(message, `delivery-${(deliveries += 1)}`), receivedAt: now }));
    },
    close: async () => {
      if (own) await servers.close();
    },
  };
}

/** Loads the built worker in this process with `env` in place for its cold start; the environment is restored after. */
export function loadWorker(env: Record<string, string>): { handler: WorkerHandler; unload: () => void } {
  const { exports, unload } = loadBundle<{ handler: WorkerHandler }>(workerBundlePath(), env);
  return { handler: exports.handler, unload };
}
