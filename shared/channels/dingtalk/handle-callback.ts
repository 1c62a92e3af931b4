import { fcTaskId } from '../../fc/task-id';
import type { ChannelRoute } from '../channel';
import type { DingTalkMessage } from './schema';
import { isAllowedWebhook, type WebhookHostList } from './webhook-hosts';
import { WebhookHostError } from '../../errors';
import type { FcContext } from '../../fc/context';
import type { AsyncInvoker } from '../../fc/fc-invoker';
import { jsonResponse } from '../../fc/http-event';
import type { Logger } from '../../logging/logger';
import type { WorkerEventInput } from '../../worker/worker-event';
import { checkPlausible } from './plausibility';
import { messageDigest, type SignaturePairGuard } from '../../callback/signature-pairs';
import { readSignedCallback } from './signed-callback';

export type { AsyncInvoker } from '../../fc/fc-invoker';

export interface CallbackDependencies {
  appKey: string;
  appSecret: string;
  /** The trigger path; `/` (the env robot) by default. */
  path?: string;
  /** The robot's name in the controls file, carried by its WorkerEvents; absent for the env robot (`dingtalk`). */
  robot?: string;
  webhookHosts: WebhookHostList;
  /** Built per invocation: the FC role's credentials arrive in each invocation's context. */
  createInvoker: (context: FcContext) => AsyncInvoker;
  createPairGuard: (context: FcContext) => SignaturePairGuard;
  logger: Logger;
  now: () => number;
  newDeliveryId: () => string;
}

/**
 * A DingTalk robot's route, at its trigger path (`/` for the env robot, its own for each robot of the controls file,
 * each checked with that robot's secret and app key): check the callback (method, content type, signature,
 * encoding, schema, plausibility against the signature, webhook host, one message per signature), hand it to the
 * worker with an asynchronous invocation, answer 200 {}. A request that fails any check throws the BotError that
 * the router (shared/callback/router.ts) answers with, and never reaches the worker.
 */
export function createDingTalkRoute(deps: CallbackDependencies): ChannelRoute {
  return {
    path: deps.path ?? '/',
    async handle(request, context: FcContext) {
      const { message, timestamp, sign } = readSignedCallback(request, deps.appSecret, deps.now());
      checkPlausible(message, Number(timestamp), deps.appKey);
      if (!isAllowedWebhook(message.sessionWebhook, deps.webhookHosts)) throw new WebhookHostError();
      const canonical = JSON.stringify(message);
      const admission = await deps.createPairGuard(context).admit({ pair: [timestamp, sign], msgId: message.msgId, digest: messageDigest(canonical) });
      const payload: WorkerEventInput = {
        channel: 'dingtalk',
        ...(deps.robot === undefined ? {} : { robot: deps.robot }),
        deliveryId: deps.newDeliveryId(),
        receivedAt: deps.now(),
        message,
      };
      const taskId = workerTaskId(deps.appKey, message.msgId);
      const invocation = await deps.createInvoker(context).invokeAsync(JSON.stringify(payload), { taskId });
      deps.logger.info(invocation.duplicate ? 'callback already handed over' : 'callback accepted', {
        ...describe(message),
        ...(deps.robot === undefined ? {} : { robot: deps.robot }),
        deliveryId: payload.deliveryId,
        signature_pair: admission,
        worker_request_id: invocation.requestId,
        invoke_attempts: invocation.attempts,
        // 409 on our own retry: the first submission landed and its answer was lost; otherwise a redelivery.
        ...(invocation.duplicate ? { duplicate_of: invocation.attempts > 1 ? 'our first attempt' : 'an earlier delivery' } : {}),
      });
      return jsonResponse(200, {});
    },
  };
}

const describe = (message: DingTalkMessage) => ({
  msgId: message.msgId,
  msgtype: message.msgtype,
  conversationType: message.conversationType,
});

/**
 * FC task id for one DingTalk message: the same for the invoker's own retry and for a DingTalk redelivery, so FC
 * runs the worker once. Hashed, since FC allows only [A-Za-z0-9_-] and msgIds carry '=' and '+'.
 */
export function workerTaskId(appKey: string, msgId: string): string {
  return fcTaskId('dt', appKey, msgId);
}
