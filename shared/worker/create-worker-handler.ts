import { WorkerEventSchema } from '../dingtalk/schema';
import { asBotError, PayloadParseError } from '../errors';
import type { FcContext } from '../fc/context';
import type { ConversationHistory } from '../history/conversation-history';
import type { Logger } from '../logging/logger';
import type { ChatModel } from '../model/chat-model';
import { parseJson, parseWith } from '../validation/parse';
import { defaultReplyReserveMs, handleMessage, type Replier, type WorkerSettings } from './handle-message';

export interface WorkerDependencies {
  settings: WorkerSettings;
  /** Built per invocation: the OSS client signs with the STS credentials of this invocation's context. */
  createHistory: (context: FcContext) => ConversationHistory;
  model: ChatModel | undefined;
  replier: Replier;
  logger: Logger;
  now: () => number;
  /** Used when the FC context does not carry the function's timeout. */
  defaultTimeoutSeconds: number;
}

/** The event function: FC's asynchronous invocation carries the callback's WorkerEvent as its body. */
export function createWorkerHandler(deps: WorkerDependencies) {
  return async (event: Buffer, context: FcContext): Promise<string> => {
    const startedAt = deps.now();
    const timeoutMs = (context.function?.timeout ?? deps.defaultTimeoutSeconds) * 1000;
    let log = deps.logger.child({ request_id: context.requestId });
    let parsed;
    try {
      parsed = parseWith(WorkerEventSchema, parseJson(event.toString('utf8')));
    } catch (error) {
      // A retry cannot fix a malformed event, so it is logged and dropped instead of thrown.
      log.error('worker event refused', { error: error instanceof PayloadParseError ? error : asBotError(error) });
      return 'refused';
    }
    log = log.child({ msgId: parsed.message.msgId, deliveryId: parsed.deliveryId });
    try {
      return await handleMessage(parsed, {
        settings: deps.settings,
        history: deps.createHistory(context),
        model: deps.model,
        replier: deps.replier,
        logger: log,
        now: deps.now,
        deadlineMs: startedAt + timeoutMs,
        replyReserveMs: defaultReplyReserveMs(timeoutMs),
      });
    } catch (error) {
      log.error('worker failed; FC will retry', { error: asBotError(error), elapsed_ms: deps.now() - startedAt });
      throw error;
    }
  };
}
