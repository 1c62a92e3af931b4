import type { Channel, ChannelName, ChannelTurn } from '../channels/channel';
import { asBotError } from '../errors';
import type { FcContext } from '../fc/context';
import type { ConversationHistory } from '../history/conversation-history';
import type { MessageClaims } from '../history/message-claims';
import type { AppendLog } from '../storage/append-log';
import { withLogFields, type Logger } from '../logging/logger';
import type { ChatModel } from '../model/chat-model';
import { parseJson, parseWith } from '../validation/parse';
import { handleMessage } from '../turn/handle-message';
import { defaultReplyReserveMs, type WorkerSettings } from '../turn/turn-dependencies';
import { channelOf, WorkerEventSchema, type WorkerEvent } from './worker-event';

export interface WorkerDependencies {
  settings: WorkerSettings;
  /** Built per invocation: the OSS client signs with the STS credentials of this invocation's context. */
  createStorage: (context: FcContext) => { history: ConversationHistory; claims: MessageClaims; log: AppendLog };
  model: ChatModel | undefined;
  /**
   * The channels this deployment serves; an event for any other is refused. A channel that keeps state in storage
   * (WeChat's passive answers) is built per invocation, over that invocation's storage.
   */
  channels: Partial<Record<ChannelName, Channel | ChannelFactory>>;
  logger: Logger;
  now: () => number;
  /** Used when the FC context does not carry the function's timeout. */
  defaultTimeoutSeconds: number;
}

export type ChannelFactory = (invocation: { log: AppendLog; context: FcContext }) => Channel;

/** The event function: FC's asynchronous invocation carries the callback's WorkerEvent as its body. */
export function createWorkerHandler(deps: WorkerDependencies) {
  return (event: Buffer, context: FcContext): Promise<string> => {
    const startedAt = deps.now();
    const timeoutMs = (context.function?.timeout ?? deps.defaultTimeoutSeconds) * 1000;
    return withLogFields({ request_id: context.requestId }, async () => {
      // Built once the event is known to be one this worker serves: a refused event touches no storage.
      let storage: ReturnType<WorkerDependencies['createStorage']> | undefined;
      const storageOf = () => (storage ??= deps.createStorage(context));
      const opened = openTurn(event, deps, () => ({ log: storageOf().log, context }));
      if (opened === undefined) return 'refused';
      const { envelope, turn } = opened;
      const fields = { channel: turn.message.channel, msgId: turn.message.id, deliveryId: envelope.deliveryId };
      return withLogFields(fields, async () => {
        try {
          return await handleMessage(
            { ...turn, deliveryId: envelope.deliveryId },
            {
              settings: deps.settings,
              history: storageOf().history,
              claims: storageOf().claims,
              model: deps.model,
              logger: deps.logger,
              now: deps.now,
              deadlineMs: startedAt + timeoutMs,
              replyReserveMs: defaultReplyReserveMs(timeoutMs),
            },
          );
        } catch (error) {
          deps.logger.error('worker failed; FC will retry', { error: asBotError(error), elapsed_ms: deps.now() - startedAt });
          throw error;
        }
      });
    });
  };
}

/**
 * The event's message, checked and bound by its channel. A retry cannot fix a malformed event or a channel this
 * deployment does not serve, so those are logged and dropped (undefined) instead of thrown.
 */
function openTurn(
  event: Buffer,
  deps: WorkerDependencies,
  invocation: () => { log: AppendLog; context: FcContext },
): { envelope: WorkerEvent; turn: ChannelTurn } | undefined {
  let envelope: WorkerEvent;
  try {
    envelope = parseWith(WorkerEventSchema, parseJson(event.toString('utf8')));
  } catch (error) {
    deps.logger.error('worker event refused', { error: asBotError(error) });
    return undefined;
  }
  const name = channelOf(envelope);
  const entry = deps.channels[name];
  const channel = typeof entry === 'function' ? entry(invocation()) : entry;
  if (channel === undefined) {
    deps.logger.error('worker event refused: this worker does not serve its channel', { channel: name, deliveryId: envelope.deliveryId });
    return undefined;
  }
  try {
    return { envelope, turn: channel.open(envelope.message) };
  } catch (error) {
    deps.logger.error('worker event refused', { channel: name, error: asBotError(error) });
    return undefined;
  }
}
