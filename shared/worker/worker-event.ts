import * as v from 'valibot';
import { CHANNEL_NAMES, type ChannelName } from '../channels/channel';
import { ROBOT_NAME_PATTERN } from '../controls/config/controls-names';

/**
 * What the callback hands the worker through FC's asynchronous invocation: the message as its channel's route
 * checked it, and the channel's name. The worker checks `message` again with that channel's own schema
 * (Channel.open), so this envelope knows nothing of any channel's fields.
 */
export const WorkerEventSchema = v.object({
  /**
   * Absent means 'dingtalk': events the previous version put into FC's async queue carry no channel, and they are
   * still delivered (and retried) after a deployment.
   */
  channel: v.optional(v.picklist(CHANNEL_NAMES)),
  /**
   * Which DingTalk robot of the controls file received it (docs/controls.md §7); absent means the channel's own robot
   * (`dingtalk`, the robot of DINGTALK_APP_KEY), as every event before there were several robots.
   */
  robot: v.optional(v.pipe(v.string(), v.regex(ROBOT_NAME_PATTERN))),
  /** A fresh id per callback delivery: an FC retry carries the same one, a platform's redelivery a new one. */
  deliveryId: v.pipe(v.string(), v.minLength(8), v.maxLength(64)),
  receivedAt: v.pipe(v.number(), v.integer()),
  message: v.unknown(),
});

export type WorkerEvent = v.InferOutput<typeof WorkerEventSchema>;

/** The channel an event belongs to. */
export const channelOf = (event: WorkerEvent): ChannelName => event.channel ?? 'dingtalk';
/**
 * The robot an event belongs to: the one it names, else its channel's own (the env robot for DingTalk, the Official
 * Account for WeChat, the custom group robots' channel for theirs).
 */
export const robotOf = (event: WorkerEvent): string => event.robot ?? channelOf(event);
export type WorkerEventInput = v.InferInput<typeof WorkerEventSchema>;
