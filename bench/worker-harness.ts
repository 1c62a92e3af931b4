import { join } from 'node:path';
import { startOssServer, type OssServer } from '../local/oss/oss-server';
import type { FcContext } from '../shared/fc/context';
import { createWorkerEvent, fcContext } from '../test/helpers/builders';
import { FAKE_APP_KEY, FAKE_APP_SECRET, startFakeDingTalk, type FakeDingTalk } from '../test/helpers/fake-dingtalk';
import { startFakeOpenAi, type FakeOpenAi } from '../test/helpers/fake-openai';
import { benchRoot } from './figures';
import { loadBundle } from './in-process';

/**
 * The worker bundle against local servers, all in this process: the local OSS server (in memory, STS credentials
 * only), the fake OpenAI API answering at once, the fake DingTalk serving session webhooks. Each server keeps a log of
 * the requests it answered, so a turn's requests are counted by the servers, not by the client.
 */
export type WorkerHandler = (event: Buffer, context: FcContext) => Promise<string>;

export const BUCKET = 'bench-history';
export const TAIL_BYTES = 64 * 1024;
const STS = { accessKeyId: 'STS.bench', accessKeySecret: 'bench-sts-secret', securityToken: 'bench-sts-token' };

export const workerBundlePath = (): string => join(benchRoot(), 'dist', 'worker', 'index.js');

export interface WorkerStack {
  oss: OssServer;
  dingtalk: FakeDingTalk;
  openai: FakeOpenAi;
  /** What the worker reads at cold start; LOG_LEVEL stays at info, as in production. */
  env: Record<string, string>;
  context: FcContext;
  /** A message from `user` (its own conversation) as the callback would queue it, with a live session webhook. */
  event(user: string, msgId: string, text: string): Buffer;
  /** Requests each server has answered so far. */
  counts(): { oss: number; openai: number; dingtalk: number };
  close(): Promise<void>;
}

export async function startWorkerStack(): Promise<WorkerStack> {
  const oss = await startOssServer({ buckets: [BUCKET], credentials: [STS] });
  const dingtalk = await startFakeDingTalk();
  const openai = await startFakeOpenAi();
  const env: Record<string, string> = {
    DINGTALK_APP_KEY: FAKE_APP_KEY,
    DINGTALK_APP_SECRET: FAKE_APP_SECRET,
    DINGTALK_API_BASE: dingtalk.url,
    // The fake DingTalk serves the session webhooks; the worker posts only to listed hosts.
    DINGTALK_WEBHOOK_HOSTS: new URL(dingtalk.url).host,
    OPENAI_API_KEY: 'sk-bench-000000000000',
    OPENAI_BASE_URL: openai.baseURL,
    OPENAI_MODEL: 'fake-model',
    OSS_BUCKET: BUCKET,
    OSS_REGION: 'cn-hangzhou',
    OSS_ENDPOINT: oss.url,
    OSS_INTERNAL: 'false',
    HISTORY_TAIL_BYTES: String(TAIL_BYTES),
    // The growth figures fill a conversation to 1,000 turns (2.6 MB); at the default 1 MiB it would be moved to a
    // fresh object first, which is a one-off cost per rotation, not the per-turn cost being measured.
    HISTORY_MAX_BYTES: String(16 * 1024 * 1024),
    LOG_LEVEL: 'info',
  };
  let deliveries = 0;
  return {
    oss,
    dingtalk,
    openai,
    env,
    context: { ...fcContext, credentials: STS },
    event(user, msgId, text) {
      const now = Date.now();
      const message = {
        msgId,
        conversationId: `cidBench-${user}==`,
        senderId: `$:LWCP_v1:$${user}`,
        senderStaffId: user,
        createAt: now,
        robotCode: FAKE_APP_KEY,
        sessionWebhook: dingtalk.webhookUrl(`session-${user}`),
        sessionWebhookExpiredTime: now + 90 * 60_000,
        text: { content: text },
      };
      return Buffer.from(JSON.stringify({ ...createWorkerEvent(message, `delivery-${(deliveries += 1)}`), receivedAt: now }));
    },
    counts: () => ({ oss: oss.requests.length, openai: openai.requests.length, dingtalk: dingtalk.requests.length }),
    close: async () => {
      await Promise.all([oss.close(), dingtalk.close(), openai.close()]);
    },
  };
}

/** Loads the built worker in this process with `env` in place for its cold start; the environment is restored after. */
export function loadWorker(env: Record<string, string>): { handler: WorkerHandler; unload: () => void } {
  const { exports, unload } = loadBundle<{ handler: WorkerHandler }>(workerBundlePath(), env);
  return { handler: exports.handler, unload };
}
