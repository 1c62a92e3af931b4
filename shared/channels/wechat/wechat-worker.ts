import type { Env } from '../../config/env';
import { ossClientOptions, ossSettings, type OssSettings } from '../../config/oss-config';
import { wechatPassiveNoticePrefix, type WechatWorkerConfig } from '../../config/wechat-config';
import { ConfigError } from '../../errors';
import type { FcContext } from '../../fc/context';
import { silentLogger, type Logger } from '../../logging/logger';
import type { AppendLog } from '../../storage/append-log';
import { createOssAppendLog } from '../../storage/oss/oss-append-log';
import { createOssClient } from '../../storage/oss/oss-client';
import { createOssTransport } from '../../storage/oss/urllib-transport';
import type { Channel } from '../channel';
import { ANSWER_MAX_BYTES, createAnswerStore } from './answer-store';
import { createCustomerServiceSender } from './customer-service';
import { createUserEraser } from './forget-user';
import { createWechatNoticeChannel } from './notice-channel';
import { createStableTokenProvider } from './stable-token';
import { objectsOverAppendLog } from './stored-objects';
import { createWechatChannel } from './wechat-channel';
import { wechatAgent } from './wechat-http';

/** What the WeChat channel needs of one invocation (shared/worker/create-worker-handler.ts, Invocation). */
export interface WechatInvocation {
  storage: { log: AppendLog };
}

/**
 * The worker's WeChat channel, made once per instance. Customer-service mode keeps one token provider per instance,
 * so warm invocations reuse the token (docs/wechat.md §7); passive mode writes answers into the store over each
 * invocation's storage, whose client carries that invocation's credentials.
 */
export function createWechatWorker(wechat: Readonly<WechatWorkerConfig>, logger: Logger): Channel | ((invocation: WechatInvocation) => Promise<Channel>) {
  const http = { apiBase: wechat.apiBase, timeoutMs: 10_000, agent: wechatAgent(wechat.apiBase) };
  // The loader requires the secret in customer-service mode.
  if (wechat.customerService && wechat.appSecret !== undefined) {
    const tokens = createStableTokenProvider({ ...http, appId: wechat.appId, appSecret: wechat.appSecret, now: Date.now });
    return createWechatChannel({ delivery: { mode: 'customer-service', sender: createCustomerServiceSender({ ...http, tokens }) }, logger });
  }
  return async ({ storage }) => {
    const store = createAnswerStore(objectsOverAppendLog(storage.log), wechat.prefix, logger);
    return createWechatChannel({ delivery: { mode: 'passive', store, forgetUser: createUserEraser(store, storage.log, wechat.prefix) }, logger });
  };
}

/**
 * A passive-mode WeChat user is told through the answer store, when the settings that place it are fine. The logger
 * hears of lines in the store that are not records (skipped); without one they are skipped quietly.
 */
export function wechatNoticeChannel(env: Env, logger: Logger = silentLogger) {
  const prefix = wechatPassiveNoticePrefix(env);
  if (prefix === undefined) return {};
  let oss: OssSettings;
  try {
    oss = ossSettings(env, 10_000, 60_000);
  } catch (error) {
    if (error instanceof ConfigError) return {};
    throw error;
  }
  const transport = createOssTransport({ maxBodyBytes: ANSWER_MAX_BYTES });
  return {
    wechat: ({ context }: { context: FcContext }) => {
      const log = createOssAppendLog(createOssClient({ ...ossClientOptions(oss, context.credentials), transport }));
      return createWechatNoticeChannel(createAnswerStore(objectsOverAppendLog(log), prefix, logger));
    },
  };
}
