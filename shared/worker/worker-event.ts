import * as v from 'valibot';
import { CHANNEL_NAMES, type ChannelName } from '../channels/channel';

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
  /** A fresh id per callback delivery: an FC retry carries the same one, a platform's redelivery a new one. */
  deliveryId: v.pipe(v.string(), v.minLength(8), v.maxLength(64)),
  receivedAt: v.pipe(v.number(), v.integer()),
  message: v.unknown(),
});

export type WorkerEvent = v.InferOutput<typeof WorkerEventSchema>;

/** The channel an event belongs to. */
export const channelOf = (event: WorkerEvent): ChannelName => event.channel ?? 'dingtalk';
export type WorkerEventInput = v.InferInput<typeof WorkerEventSchema>;
