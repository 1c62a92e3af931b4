import { fcTaskId } from '../../fc/task-id';
import { digest } from '../../history/conversation-key';
import type { ChannelRoute } from '../channel';
import { messageDigest, type SignaturePairGuard } from '../../callback/signature-pairs';
import type { FcContext } from '../../fc/context';
import type { HttpRequest, HttpResponse } from '../../fc/http-event';
import type { Logger } from '../../logging/logger';
import type { AnswerStore } from './answer-store';
import { createWechatCipher } from './crypto';
import { answerPassively } from './passive-reply';
import { PASSIVE_TIMING, type PassiveTiming } from './passive-timing';
import { readWechatRequest } from './read-request';
import { messageText, type WechatMessage } from './schema';
import { welcomeText } from './user-texts';

/**
 * The callback's half of the WeChat channel, on the trigger path /wechat: verifies each request (read-request.ts),
 * answers the server-URL check, greets new followers, and hands every message to the worker as a WorkerEvent, and an
 * unfollow too (the worker deletes the user's data; `success` goes back at once, in either mode). A
 * verified account (customer service on) answers `success` at once and the worker sends the answer; otherwise the
 * answer goes back in WeChat's own requests (passive-reply.ts). A refusal throws its BotError, which the router
 * (shared/callback/router.ts) logs and answers, the request id with it.
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
  /** Plaintext mode: one message per signed (timestamp, nonce, signature), shared by every instance; siblings off. */
  pairGuard: (context: FcContext) => SignaturePairGuard;
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
    const read = readWechatRequest(request, requestSettings, startedAt);
    if (read.kind === 'verification') return text(read.echostr);
    const { message } = read;
    if (read.unboundSignature !== undefined) {
      // Before anything is handed over or stored: a captured query must not carry another body (docs/wechat.md §2).
      // The id goes into the record hashed: an event's id holds the user's openid.
      const pair = { pair: read.unboundSignature, msgId: digest(message.id), digest: messageDigest(JSON.stringify(message)) };
      const admission = await deps.pairGuard(context).admit(pair);
      log.debug('wechat signature pair', { msgId: message.id, signature_pair: admission });
    }
    const reply = (content: string) => text(read.encodeReply(content, deps.now()), 'application/xml');
    const handOver = async () => {
      const payload = { channel: 'wechat', deliveryId: deps.newDeliveryId(), receivedAt: deps.now(), message };
      const { duplicate } = await deps.handOver(JSON.stringify(payload), wechatTaskId(settings.appId, message.id), context);
      log.info(duplicate ? 'wechat message already handed over' : 'wechat message accepted', describe(message));
    };
    if (message.kind === 'event') {
      log.info('wechat event', { event: message.event });
      if (message.event === 'subscribe') return reply(welcomeText(settings.helpCommand));
      // The worker deletes the user's data (docs/wechat.md §3); there is nobody left to answer.
      if (message.event === 'unsubscribe') await handOver();
      return text('success');
    }
    if (settings.customerService) {
      await handOver();
      return text('success');
    }
    const store = deps.answerStore(context);
    const content = await answerPassively(message, messageText(message), startedAt, { store, timing, handOver, now: deps.now, sleep: deps.sleep });
    return content === undefined ? text('') : reply(content);
  }

  return { path: WECHAT_PATH, handle };
}

const describe = (message: WechatMessage) => ({ msgId: message.id, kind: message.kind });

/** FC task id of one WeChat message: the same for every retry of it, so FC runs the worker once; [A-Za-z0-9_-] only. */
export function wechatTaskId(appId: string, msgId: string): string {
  return fcTaskId('wx', appId, msgId);
}
