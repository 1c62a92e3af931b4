import { WorkerEventSchema, type WorkerEvent } from '../channels/dingtalk/schema';
import { asBotError } from '../errors';
import type { FcContext } from '../fc/context';
import type { ConversationHistory } from '../history/conversation-history';
import type { MessageClaims } from '../history/message-claims';
import { withLogFields, type Logger } from '../logging/logger';
import type { ChatModel } from '../model/chat-model';
import { parseJson, parseWith } from '../validation/parse';
import type { Replier } from '../channels/dingtalk/replier';
import { handleMessage } from '../turn/handle-message';
import { defaultReplyReserveMs, type TurnDependencies, type WorkerSettings } from '../turn/turn-dependencies';

export interface WorkerDependencies {
  settings: WorkerSettings;
  /** Built per invocation: the OSS client signs with the STS credentials of this invocation's context. */
  createStorage: (context: FcContext) => { history: ConversationHistory; claims: MessageClaims };
  model: ChatModel | undefined;
  replier: Replier;
  cards: TurnDependencies['cards'];
  images: TurnDependencies['images'];
  logger: Logger;
  now: () => number;
  /** Used when the FC context does not carry the function's timeout. */
  defaultTimeoutSeconds: number;
}

/** The event function: FC's asynchronous invocation carries the callback's WorkerEvent as its body. */
export function createWorkerHandler(deps: WorkerDependencies) {
  return (event: Buffer, context: FcContext): Promise<string> => {
    const startedAt = deps.now();
    const timeoutMs = (context.function?.timeout ?? deps.defaultTimeoutSeconds) * 1000;
    return withLogFields({ request_id: context.requestId }, async () => {
      let turn: WorkerEvent;
      try {
        turn = parseWith(WorkerEventSchema, parseJson(event.toString('utf8')));
      } catch (error) {
        // A retry cannot fix a malformed event, so it is logged and dropped instead of thrown.
        deps.logger.error('worker event refused', { error: asBotError(error) });
        return 'refused';
      }
      return withLogFields({ msgId: turn.message.msgId, deliveryId: turn.deliveryId }, async () => {
        try {
          return await handleMessage(turn, {
            settings: deps.settings,
            ...deps.createStorage(context),
            model: deps.model,
            replier: deps.replier,
            cards: deps.cards,
            images: deps.images,
            logger: deps.logger,
            now: deps.now,
            deadlineMs: startedAt + timeoutMs,
            replyReserveMs: defaultReplyReserveMs(timeoutMs),
          });
        } catch (error) {
          deps.logger.error('worker failed; FC will retry', { error: asBotError(error), elapsed_ms: deps.now() - startedAt });
          throw error;
        }
      });
    });
  };
}
