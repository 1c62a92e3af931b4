import { createWechatChannel, type WechatDelivery } from '../../shared/channels/wechat/wechat-channel';
import { createAnswerStore } from '../../shared/channels/wechat/answer-store';
import { createUserEraser } from '../../shared/channels/wechat/forget-user';
import { objectsOverAppendLog } from '../../shared/channels/wechat/stored-objects';
import type { PassiveTiming } from '../../shared/channels/wechat/passive-timing';
import { createWechatRoute, type WechatRouteSettings } from '../../shared/channels/wechat/wechat-route';
import { createSignaturePairGuard } from '../../shared/callback/signature-pairs';
import { createLogger } from '../../shared/logging/logger';
import { createOssLiteClient } from '../../shared/storage/oss/oss-lite-client';
import { startOssServer } from '../../local/oss/oss-server';
import { createMemoryAppendLog } from '../../shared/storage/memory/memory-append-log';
import { captureLog, fcContext } from './builders';
import { serveChannelRoute } from './channel-route-server';
import { createFakeWechatPlatform, type PlatformOptions } from './fake-wechat';

export const WECHAT = {
  token: 'testToken123',
  appId: 'wx0123456789abcdef',
  appSecret: 'test-wechat-app-secret',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  account: 'gh_test_account',
  user: 'oUser-0001',
} as const;

/** WeChat's timing scaled down tenfold: 0.5 s until WeChat gives up on a request instead of 5 s. */
export const FAST_TIMING: PassiveTiming = { windowMs: 400, holdMs: 900, lastAttemptAfterMs: 800, pollMs: 25, pendingForMs: 60_000 };
export const FAST_WECHAT_TIMEOUT_MS = 500;

export interface RigOptions {
  safeMode?: boolean;
  customerService?: boolean;
  /** The worker's answer to a handed-over message, and how long after the hand-over it is written (ms). */
  answer?: (message: Record<string, unknown>) => { text: string; afterMs: number } | undefined;
  delivery?: WechatDelivery;
  timing?: PassiveTiming;
}

/**
 * The /wechat route on a real HTTP server, with an in-memory answer store shared by its callback half and the
 * worker half (the real WeChat channel), the plaintext signature-pair guard over the local OSS server (`oss`), a
 * hand-over that records each payload and runs the worker after a delay, and the fake WeChat platform pointed at it.
 */
export async function startWechatRig(options: RigOptions = {}) {
  const oss = await startOssServer({ buckets: ['wechat-pairs'], credentials: [fcContext.credentials] });
  const ossLite = createOssLiteClient({ bucket: 'wechat-pairs', region: 'cn-local', endpoint: oss.url, credentials: fcContext.credentials, timeoutMs: 2000 });
  const memory = createMemoryAppendLog();
  const log = captureLog();
  const logger = createLogger({ service: 'test', level: 'debug', write: log.write, secrets: [WECHAT.appSecret] });
  const store = createAnswerStore(objectsOverAppendLog(memory.log), 'wx/', logger);
  const handOvers: { payload: Record<string, unknown>; taskId: string }[] = [];
  const submitted = new Set<string>();
  const forgetUser = createUserEraser(store, memory.log, 'wx/');
  const worker = createWechatChannel({ delivery: options.delivery ?? { mode: 'passive', store, forgetUser }, logger });
  const work: Promise<unknown>[] = [];
  const settings: WechatRouteSettings = {
    token: WECHAT.token,
    appId: WECHAT.appId,
    encodingAesKey: options.safeMode ? WECHAT.encodingAesKey : undefined,
    customerService: options.customerService ?? false,
    maxBodyBytes: 16 * 1024,
    helpCommand: '帮助',
  };
  let deliveries = 0;
  const route = createWechatRoute({
    settings,
    async handOver(payload, taskId) {
      const parsed = JSON.parse(payload) as Record<string, unknown>;
      handOvers.push({ payload: parsed, taskId });
      if (submitted.has(taskId)) return { duplicate: true };
      submitted.add(taskId);
      const answer = options.answer?.(parsed['message'] as Record<string, unknown>);
      if (answer) {
        work.push(new Promise((resolve) => setTimeout(resolve, answer.afterMs)).then(() => worker.open(parsed['message']).reply(answer.text)));
      }
      return { duplicate: false };
    },
    answerStore: () => store,
    pairGuard: () => createSignaturePairGuard({ oss: ossLite, prefix: 'wx/signatures/', now: Date.now, siblings: false }),
    logger,
    now: Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    newDeliveryId: () => `delivery-${(deliveries += 1).toString().padStart(4, '0')}`,
    timing: options.timing ?? FAST_TIMING,
  });
  const server = await serveChannelRoute(route);
  const platform = (overrides: Partial<PlatformOptions> = {}) =>
    createFakeWechatPlatform({
      url: server.url, token: WECHAT.token, appId: WECHAT.appId, account: WECHAT.account, timeoutMs: FAST_WECHAT_TIMEOUT_MS,
      ...(options.safeMode ? { encodingAesKey: WECHAT.encodingAesKey } : {}),
      ...overrides,
    });
  return {
    url: server.url, route, store, memory, oss, handOvers, log, worker, platform,
    /** Waits for the fake worker's runs, then stops the servers. */
    async close() {
      await Promise.allSettled(work);
      await server.close();
      await oss.close();
    },
  };
}
