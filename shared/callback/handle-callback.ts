import { verifyDingTalkSignature } from '../dingtalk/verify-signature';
import { DingTalkCallbackSchema, type WorkerEventInput } from '../dingtalk/schema';
import { asBotError } from '../errors';
import type { FcContext } from '../fc/context';
import { jsonResponse, requireMethod, toHttpRequest, type HttpResponse } from '../fc/http-event';
import { errorToHttpResponse, isClientError } from '../fc/http-response';
import { withLogFields, type Logger } from '../logging/logger';
import { parseJson, parseWith } from '../validation/parse';

export interface AsyncInvoker {
  invokeAsync(payload: string): Promise<{ requestId: string }>;
}

export interface CallbackDependencies {
  appSecret: string;
  maxBodyBytes: number;
  /** Built per invocation: the FC role's credentials arrive in each invocation's context. */
  createInvoker: (context: FcContext) => AsyncInvoker;
  logger: Logger;
  now: () => number;
  newDeliveryId: () => string;
}

/**
 * The HTTP trigger's whole job: check the DingTalk callback (size, method, signature, schema), hand it to the worker
 * with an asynchronous invocation, answer 200 {}. A request that fails any check never reaches the worker.
 */
export function createCallbackHandler(deps: CallbackDependencies) {
  return (event: Buffer, context: FcContext): Promise<HttpResponse> =>
    withLogFields({ request_id: context.requestId }, () => handle(event, context));

  async function handle(event: Buffer, context: FcContext): Promise<HttpResponse> {
    const log = deps.logger;
    try {
      const request = toHttpRequest(event, deps.maxBodyBytes);
      if (request.method === 'GET' || request.method === 'HEAD') return jsonResponse(200, { status: 'ok' });
      requireMethod(request, 'POST');
      verifyDingTalkSignature({
        appSecret: deps.appSecret,
        timestamp: request.headers['timestamp'],
        sign: request.headers['sign'],
        nowMs: deps.now(),
      });
      const message = parseWith(DingTalkCallbackSchema, parseJson(request.body.toString('utf8')));
      const payload: WorkerEventInput = { deliveryId: deps.newDeliveryId(), receivedAt: deps.now(), message };
      const invocation = await deps.createInvoker(context).invokeAsync(JSON.stringify(payload));
      log.info('callback accepted', {
        msgId: message.msgId,
        msgtype: message.msgtype,
        conversationType: message.conversationType,
        deliveryId: payload.deliveryId,
        worker_request_id: invocation.requestId,
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
