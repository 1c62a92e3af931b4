import { fcTaskId } from '../../fc/task-id';
import type { ChannelRoute } from '../channel';
import { asBotError } from '../../errors';
import type { FcContext } from '../../fc/context';
import type { HttpRequest, HttpResponse } from '../../fc/http-event';
import { errorToHttpResponse, isClientError } from '../../fc/http-response';
import { withLogFields, type Logger } from '../../logging/logger';
import type { AnswerStore } from './answer-store';
import { createWechatCipher } from './crypto';
import { answerPassively } from './passive-reply';
import { PASSIVE_TIMING, type PassiveTiming } from './passive-timing';
import { readWechatRequest } from './read-request';
import { messageText, type WechatMessage } from './schema';
import { welcomeText } from './user-texts';

/**
 * The callback's half of the WeChat channel, on the trigger path /wechat: verifies each request (read-request.ts),
 * answers the server-URL check, greets new followers, and hands every message to the worker as a WorkerEvent. A
 * verified account (customer service on) answers `success` at once and the worker sends the answer; otherwise the
 * answer goes back in WeChat's own requests (passive-reply.ts).
 */
export interface WechatRouteSettings {
  token: string;
  appId: string;
  /** Set in safe mode. */
  encodingAesKey: string | undefined;
  customerService: boolean;
  maxBodyBytes: number;
  /** The first help command, named in the welcome. */
  helpCommand: string;
}

export interface WechatRouteDependencies {
  settings: WechatRouteSettings;
  /** FC async invoke of the worker; `duplicate` when that task id was submitted before. */
  handOver: (payload: string, taskId: string, context: FcContext) => Promise<{ duplicate: boolean }>;
  /** Built per invocation: the OSS credentials come with each invocation's context. */
  answerStore: (context: FcContext) => AnswerStore;
  logger: Logger;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  newDeliveryId: () => string;
  timing?: PassiveTiming;
}

export const WECHAT_PATH = '/wechat';

export function createWechatRoute(deps: WechatRouteDependencies): ChannelRoute {
  const { settings, logger: log } = deps;
  const cipher = settings.encodingAesKey === undefined ? undefined : createWechatCipher(settings.encodingAesKey, settings.appId);
  const requestSettings = { token: settings.token, appId: settings.appId, cipher, maxBodyBytes: settings.maxBodyBytes };
  const timing = deps.timing ?? PASSIVE_TIMING;
  const text = (body: string, type = 'text/plain'): HttpResponse => ({
    statusCode: 200, headers: { 'content-type': `${type}; charset=utf-8` }, isBase64Encoded: false, body,
  });

  async function handle(request: HttpRequest, context: FcContext): Promise<HttpResponse> {
    const startedAt = deps.now();
    try {
      const read = readWechatRequest(request, requestSettings, startedAt);
      if (read.kind === 'verification') return text(read.echostr);
      const { message } = read;
      const reply = (content: string) => text(read.encodeReply(content, deps.now()), 'application/xml');
      if (message.kind === 'event') {
        log.info('wechat event', { event: message.event });
        return message.event === 'subscribe' ? reply(welcomeText(settings.helpCommand)) : text('success');
      }
      const handOver = async () => {
        const payload = { channel: 'wechat', deliveryId: deps.newDeliveryId(), receivedAt: deps.now(), message };
        const { duplicate } = await deps.handOver(JSON.stringify(payload), wechatTaskId(settings.appId, message.id), context);
        log.info(duplicate ? 'wechat message already handed over' : 'wechat message accepted', describe(message));
      };
      if (settings.customerService) {
        await handOver();
        return text('success');
      }
      const store = deps.answerStore(context);
      const content = await answerPassively(message, messageText(message), startedAt, { store, timing, handOver, now: deps.now, sleep: deps.sleep });
      return content === undefined ? text('') : reply(content);
    } catch (error) {
      const botError = asBotError(error);
      if (isClientError(botError)) log.warn('wechat request refused', { error: botError });
      else log.error('wechat request failed', { error: botError });
      return errorToHttpResponse(botError);
    }
  }

  return {
    path: WECHAT_PATH,
    handle: (request, context) => withLogFields({ request_id: context.requestId }, () => handle(request, context)),
  };
}

const describe = (message: WechatMessage) => ({ msgId: message.id, kind: message.kind });

/** FC task id of one WeChat message: the same for every retry of it, so FC runs the worker once; [A-Za-z0-9_-] only. */
export function wechatTaskId(appId: string, msgId: string): string {
  return fcTaskId('wx', appId, msgId);
}
