import type { Channel, ChannelName, ChannelTurn } from '../channels/channel';
import { StorageError, asBotError } from '../errors';
import type { FcContext } from '../fc/context';
import type { ConversationHistory } from '../history/conversation-history';
import type { MessageClaims } from '../history/message-claims';
import { withLogFields, type Logger } from '../logging/logger';
import type { ChatModel } from '../model/chat-model';
import { parseJson, parseWith } from '../validation/parse';
import { handleMessage } from '../turn/handle-message';
import { defaultReplyReserveMs, type WorkerSettings } from '../turn/turn-dependencies';
import { channelOf, robotOf, WorkerEventSchema, type WorkerEvent } from './worker-event';
import { DEFAULT_ROBOT_CONTROLS, type RobotControls } from '../controls/robot-controls';
import type { ControlLedger } from '../controls/ledger/control-ledger';
import type { SensitiveCheck } from '../controls/sensitive/sensitive-check';
import type { TurnDependencies } from '../turn/turn-dependencies';

/** What the turn pipeline needs of storage; a deployment's storage may carry more for its channels. */
export interface TurnStorage {
  history: ConversationHistory;
  claims: MessageClaims;
}

/** One invocation as a channel built for it sees it: its context, its storage and when FC will stop it. */
export interface Invocation<Storage extends TurnStorage = TurnStorage> {
  context: FcContext;
  storage: Storage;
  deadlineMs: number;
  replyReserveMs: number;
}

/**
 * A channel, or how to build it for one invocation: a channel whose settings live in the bucket (group robots)
 * reads them with that invocation's credentials.
 */
export type ChannelSource<Storage extends TurnStorage = TurnStorage> = Channel | ((invocation: Invocation<Storage>) => Promise<Channel>);

/**
 * One robot of the deployment as its turns see it (docs/controls.md §7): its name, its settings (persona, models,
 * card, the history prefix that keeps its conversations apart) and its controls.
 */
export interface WorkerRobot<Storage extends TurnStorage = TurnStorage> {
  name: string;
  settings: WorkerSettings;
  controls: RobotControls;
  /** Its own channel (a DingTalk robot with its own app and card template); unset: the channel its events name. */
  channel?: ChannelSource<Storage>;
  /** Its sensitive words, built once per instance; unset: none. */
  sensitive?: SensitiveCheck;
  /** True for events that answer no people (the group robots' pushes and jobs): no access, limits or ledger. */
  uncontrolled?: boolean;
}

export interface WorkerDependencies<Storage extends TurnStorage = TurnStorage> {
  /** The settings of a robot `robots` does not set up (every robot when it is absent). */
  settings: WorkerSettings;
  /**
   * The robot an event belongs to; undefined when this deployment does not serve it (the event is then dropped).
   * Absent: every event is its channel's own robot with `settings` and the default controls.
   */
  robots?: (envelope: WorkerEvent) => WorkerRobot<Storage> | undefined;
  /** Built per invocation: the OSS client signs with the STS credentials of this invocation's context. */
  createStorage: (context: FcContext) => Storage;
  /**
   * A robot's control ledger over this invocation's storage (docs/controls.md §1), and the version `/admin status`
   * shows; absent: nothing is checked or counted.
   */
  controls?: { ledger: (robot: string, storage: Storage) => ControlLedger; version: string };
  model: ChatModel | undefined;
  /** The channels this deployment serves; an event for any other is refused. */
  channels: Partial<Record<ChannelName, ChannelSource<Storage>>>;
  /**
   * Events that are not WorkerEvents (an FC timer trigger's), turned into one; any other event is given back as it
   * is. Throws when the event is of its kind but cannot be turned into a WorkerEvent.
   */
  adaptEvent?: (event: unknown, invocation: Invocation<Storage>) => Promise<unknown>;
  logger: Logger;
  now: () => number;
  /** Used when the FC context does not carry the function's timeout. */
  defaultTimeoutSeconds: number;
}

/** The event function: FC's asynchronous invocation carries the callback's WorkerEvent as its body. */
export function createWorkerHandler<Storage extends TurnStorage>(deps: WorkerDependencies<Storage>) {
  return (event: Buffer, context: FcContext): Promise<string> => {
    const startedAt = deps.now();
    const timeoutMs = (context.function?.timeout ?? deps.defaultTimeoutSeconds) * 1000;
    return withLogFields({ request_id: context.requestId }, async () => {
      let storage: Storage | undefined;
      const invocation: Invocation<Storage> = {
        context,
        // Built when first needed: an event refused on sight builds no client.
        get storage() {
          return (storage ??= deps.createStorage(context));
        },
        deadlineMs: startedAt + timeoutMs,
        replyReserveMs: defaultReplyReserveMs(timeoutMs),
      };
      const opened = await openTurn(event, invocation, deps);
      if (opened === undefined) return 'refused';
      const { envelope, turn, robot } = opened;
      const fields = { channel: turn.message.channel, ...(envelope.robot === undefined ? {} : { robot: robot.name }), msgId: turn.message.id, deliveryId: envelope.deliveryId };
      return withLogFields(fields, async () => {
        try {
          return await handleMessage(
            { ...turn, deliveryId: envelope.deliveryId },
            {
              settings: robot.settings,
              robot: { name: robot.name, controls: robot.controls },
              ...turnControls(robot, invocation.storage, deps),
              history: invocation.storage.history,
              claims: invocation.storage.claims,
              model: deps.model,
              logger: deps.logger,
              now: deps.now,
              deadlineMs: invocation.deadlineMs,
              replyReserveMs: invocation.replyReserveMs,
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
 * The event's message, checked and bound by its channel. A retry cannot fix a malformed event, a channel this
 * deployment does not serve or a channel's broken settings, so those are logged and dropped (undefined) instead of
 * thrown; storage that could not be read is thrown, so that FC tries again.
 */
async function openTurn<Storage extends TurnStorage>(
  event: Buffer,
  invocation: Invocation<Storage>,
  deps: WorkerDependencies<Storage>,
): Promise<{ envelope: WorkerEvent; turn: ChannelTurn; robot: WorkerRobot<Storage> } | undefined> {
  let envelope: WorkerEvent;
  try {
    const json = parseJson(event.toString('utf8'));
    envelope = parseWith(WorkerEventSchema, deps.adaptEvent ? await deps.adaptEvent(json, invocation) : json);
  } catch (error) {
    return refuse(error, deps.logger, {});
  }
  const name = channelOf(envelope);
  const robot = deps.robots
    ? deps.robots(envelope)
    : { name: robotOf(envelope), settings: deps.settings, controls: DEFAULT_ROBOT_CONTROLS };
  if (robot === undefined) {
    const fields = { channel: name, robot: robotOf(envelope), deliveryId: envelope.deliveryId };
    deps.logger.error('worker event refused: this worker does not serve its channel or robot', fields);
    return undefined;
  }
  const source = robot.channel ?? deps.channels[name];
  if (source === undefined) {
    deps.logger.error('worker event refused: this worker does not serve its channel', { channel: name, deliveryId: envelope.deliveryId });
    return undefined;
  }
  try {
    const channel = typeof source === 'function' ? await source(invocation) : source;
    return { envelope, turn: channel.open(envelope.message), robot };
  } catch (error) {
    return refuse(error, deps.logger, { channel: name });
  }
}

function refuse(error: unknown, logger: Logger, fields: Record<string, unknown>): undefined {
  if (error instanceof StorageError) {
    logger.error('worker event could not be opened; FC will retry', { ...fields, error });
    throw error;
  }
  logger.error('worker event refused', { ...fields, error: asBotError(error) });
  return undefined;
}

/** The robot's ledger and sensitive words for this turn; none for the events that answer no people. */
function turnControls<Storage extends TurnStorage>(
  robot: WorkerRobot<Storage>,
  storage: Storage,
  deps: WorkerDependencies<Storage>,
): Pick<TurnDependencies, 'controls' | 'sensitive'> {
  if (robot.uncontrolled === true) return {};
  return {
    ...(deps.controls ? { controls: { ledger: deps.controls.ledger(robot.name, storage), version: deps.controls.version } } : {}),
    ...(robot.sensitive ? { sensitive: robot.sensitive } : {}),
  };
}
