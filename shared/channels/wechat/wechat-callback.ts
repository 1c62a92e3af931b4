import { setTimeout as sleep } from 'node:timers/promises';
import { createSignaturePairGuard } from '../../callback/signature-pairs';
import type { WechatCallbackConfig } from '../../config/wechat-config';
import type { FcContext } from '../../fc/context';
import type { AsyncInvoker } from '../../fc/fc-invoker';
import type { Logger } from '../../logging/logger';
import type { OssLiteClient } from '../../storage/oss/oss-lite-client';
import type { ChannelRoute } from '../channel';
import { createAnswerStore } from './answer-store';
import { scaledPassiveTiming } from './passive-timing';
import { objectsOverOssLite } from './stored-objects';
import { createWechatRoute } from './wechat-route';

export { createMisconfiguredWechatRoute } from './misconfigured-route';

/**
 * The callback's WeChat route with what it is built from: the answer store and the plaintext signature records over
 * the invocation's OSS client, the hand-over to the worker. A module of its own so that the callback loads it (and
 * its XML parser) only when WECHAT_TOKEN is set (functions/callback/index.ts).
 */
export interface WechatCallbackOptions {
  wechat: Readonly<WechatCallbackConfig>;
  maxBodyBytes: number;
  /** LOCAL_WECHAT_WAIT_MS: the local stack's shorter WeChat timing. */
  localWaitMs: number | undefined;
  ossLite: (context: FcContext) => OssLiteClient;
  createInvoker: (context: FcContext) => AsyncInvoker;
  logger: Logger;
  now: () => number;
  newDeliveryId: () => string;
}

export function createWechatCallbackRoute(options: WechatCallbackOptions): ChannelRoute {
  const { wechat, ossLite, logger, now } = options;
  return createWechatRoute({
    settings: { ...wechat, maxBodyBytes: options.maxBodyBytes },
    handOver: (payload, taskId, context) => options.createInvoker(context).invokeAsync(payload, { taskId }),
    answerStore: (context) => createAnswerStore(objectsOverOssLite(ossLite(context)), wechat.prefix, logger),
    // A plaintext request's signature does not cover its body: each pair carries one message (docs/wechat.md §2).
    pairGuard: (context) => createSignaturePairGuard({ oss: ossLite(context), prefix: `${wechat.prefix}signatures/`, now, siblings: false }),
    sleep: (ms) => sleep(ms),
    logger,
    now,
    newDeliveryId: options.newDeliveryId,
    ...(options.localWaitMs === undefined ? {} : { timing: scaledPassiveTiming(options.localWaitMs) }),
  });
}
