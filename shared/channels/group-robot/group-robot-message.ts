import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { fcTaskId } from '../../fc/task-id';
import { MAX_PROMPT_CHARS, NAME_PATTERN } from './channels-config';

/**
 * What the group-robot channel hands the worker: a prompt to answer and the robot to post the answer to. It comes
 * from a push (POST /push) or a scheduled job (an FC timer trigger). `runId` is the message id in the turn
 * pipeline's claims: the same on every retry of one push or one timer event, so each is answered and posted once.
 */
const name = v.pipe(v.string(), v.regex(NAME_PATTERN));

export const GroupRobotMessageSchema = v.pipe(
  v.strictObject({
    robot: name,
    prompt: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_PROMPT_CHARS)),
    runId: v.pipe(v.string(), v.minLength(1), v.maxLength(256)),
    source: v.picklist(['push', 'job']),
    job: v.optional(name),
  }),
  v.check((message) => (message.source === 'job') === (message.job !== undefined), 'a job name exactly when the source is a job'),
);

export type GroupRobotMessage = v.InferOutput<typeof GroupRobotMessageSchema>;

/** The worker event of this channel, as the callback's router and the worker's timer entry build it. */
export interface GroupRobotWorkerEvent {
  channel: 'group-robot';
  /** Derived from the run id, so an FC retry of the same run carries the same one. */
  deliveryId: string;
  receivedAt: number;
  message: GroupRobotMessage;
}

export function groupRobotWorkerEvent(message: GroupRobotMessage, receivedAt: number): GroupRobotWorkerEvent {
  return { channel: 'group-robot', deliveryId: `gr_${digest(message.runId).slice(0, 32)}`, receivedAt, message };
}

/**
 * FC task id of one run (x-fc-async-task-id: letters, digits, `_`, `-`): hashed, since run ids carry `:` and `@`,
 * and scoped by the robot, so two robots' callers may use the same idempotency key.
 */
export const groupRobotTaskId = (message: Pick<GroupRobotMessage, 'robot' | 'runId'>): string => fcTaskId('gr', message.robot, message.runId);

const digest = (text: string): string => createHash('sha256').update(text).digest('base64url');
