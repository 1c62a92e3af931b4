import { createHash } from 'node:crypto';
import type { DingTalkMessage, WorkerEventInput } from './schema';
import { isAllowedWebhook, type WebhookHostList } from './webhook-hosts';
import { WebhookHostError, asBotError } from '../../errors';
import type { FcContext } from '../../fc/context';
import type { InvokeOptions, InvokeOutcome } from '../../fc/fc-invoker';
import { jsonResponse, toHttpRequest, type HttpResponse } from '../../fc/http-event';
import { errorToHttpResponse, isClientError } from '../../fc/http-response';
import { withLogFields, type Logger } from '../../logging/logger';
import { checkPlausible } from './plausibility';
import { messageDigest, type SignaturePairGuard } from './signature-pairs';
import { readSignedCallback } from './signed-callback';

export interface AsyncInvoker {
  invokeAsync(payload: string, options: InvokeOptions): Promise<InvokeOutcome>;
}

export interface CallbackDependencies {
  appKey: string;
  appSecret: string;
  maxBodyBytes: number;
  webhookHosts: WebhookHostList;
  /** Built per invocation: the FC role's credentials arrive in each invocation's context. */
  createInvoker: (context: FcContext) => AsyncInvoker;
  createPairGuard: (context: FcContext) => SignaturePairGuard;
  logger: Logger;
  now: () => number;
  newDeliveryId: () => string;
}

/**
 * The HTTP trigger's whole job: check the DingTalk callback (size, method, content type, signature, encoding, schema,
 * plausibility against the signature, webhook host, one message per signature), hand it to the worker with an
 * asynchronous invocation, answer 200 {}. A request that fails any check never reaches the worker.
 */
export function createCallbackHandler(deps: CallbackDependencies) {
  return (event: Buffer, context: FcContext): Promise<HttpResponse> =>
    withLogFields({ request_id: context.requestId }, () => handle(event, context));

  async function handle(event: Buffer, context: FcContext): Promise<HttpResponse> {
    const log = deps.logger;
    try {
      const request = toHttpRequest(event, deps.maxBodyBytes);
      if (request.method === 'GET' || request.method === 'HEAD') return jsonResponse(200, { status: 'ok' });
      const { message, timestamp, sign } = readSignedCallback(request, deps.appSecret, deps.now());
      checkPlausible(message, Number(timestamp), deps.appKey);
      if (!isAllowedWebhook(message.sessionWebhook, deps.webhookHosts)) throw new WebhookHostError();
      const canonical = JSON.stringify(message);
      const admission = await deps.createPairGuard(context).admit({ timestamp, sign, msgId: message.msgId, digest: messageDigest(canonical) });
      const payload: WorkerEventInput = { deliveryId: deps.newDeliveryId(), receivedAt: deps.now(), message };
      const taskId = workerTaskId(deps.appKey, message.msgId);
      const invocation = await deps.createInvoker(context).invokeAsync(JSON.stringify(payload), { taskId });
      log.info(invocation.duplicate ? 'callback already handed over' : 'callback accepted', {
        ...describe(message),
        deliveryId: payload.deliveryId,
        signature_pair: admission,
        worker_request_id: invocation.requestId,
        invoke_attempts: invocation.attempts,
        // 409 on our own retry: the first submission landed and its answer was lost; otherwise a redelivery.
        ...(invocation.duplicate ? { duplicate_of: invocation.attempts > 1 ? 'our first attempt' : 'an earlier delivery' } : {}),
      });
      return jsonResponse(200, {});
    } catch (error) {
      const botError = asBotError(error);
      if (isClientError(botError)) log.warn('callback refused', { error: botError });
      else log.error('callback failed', { error: botError });
      return errorToHttpResponse(botError);
    }
  }
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
  return `dt_${createHash('sha256').update(`${appKey}\n${msgId}`).digest('base64url')}`;
}
