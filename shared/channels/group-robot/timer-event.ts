import * as v from 'valibot';
import { PayloadParseError, UnknownJobError } from '../../errors';
import { decodeUtf8, parseJson, parseWith } from '../../validation/parse';
import type { ChannelsConfig } from './channels-config';
import { NAME_PATTERN } from './channels-config';
import { groupRobotWorkerEvent, type GroupRobotWorkerEvent } from './group-robot-message';

/**
 * A scheduled job's run. FC's timer trigger invokes the worker with `{ triggerTime, triggerName, payload }` (as a
 * Buffer holding JSON); s.yaml gives each timer trigger the payload `{"job":"<name>"}`, and the job's prompt and robot
 * live in the channels config. That is the event FC 3.0 documents (docs/group-robot.md §5): anything without these
 * three fields is refused with an error naming what is missing; extra fields are ignored. Whether FC retries a failed
 * timer run is unconfirmed, so the run id (job + triggerTime, the same on any retry of one event) makes each run post
 * once.
 */
const TimerEventSchema = v.object({
  triggerTime: v.pipe(v.string(), v.isoTimestamp('an ISO 8601 time such as 2026-01-05T01:00:00Z')),
  triggerName: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  payload: v.pipe(v.string(), v.maxLength(128 * 1024)),
});

const TimerPayloadSchema = v.strictObject({ job: v.pipe(v.string(), v.regex(NAME_PATTERN)) });

export type TimerEvent = v.InferOutput<typeof TimerEventSchema>;

/** True for what looks like a timer event (the worker's other events are WorkerEvents, which carry `channel`). */
export function isTimerEvent(event: unknown): boolean {
  return typeof event === 'object' && event !== null && 'triggerTime' in event && 'triggerName' in event && !('channel' in event);
}

/** The event (Buffer, text or parsed JSON) → its checked fields and the job it names; PayloadParseError otherwise. */
export function parseTimerEvent(event: unknown): TimerEvent & { job: string } {
  const json = Buffer.isBuffer(event) ? parseJson(decodeUtf8(event, 'timer event')) : typeof event === 'string' ? parseJson(event) : event;
  const timer = parseWith(TimerEventSchema, json);
  let payload: unknown;
  try {
    payload = parseJson(timer.payload);
  } catch {
    throw new PayloadParseError([`payload: expected the JSON {"job":"<name>"} (trigger ${timer.triggerName})`]);
  }
  const { job } = parseWith(TimerPayloadSchema, payload);
  return { ...timer, job };
}

/** The run of the job the event names: `job:<name>@<triggerTime>`; UnknownJobError when the config lacks the job. */
export function timerWorkerEvent(event: unknown, config: ChannelsConfig): GroupRobotWorkerEvent {
  const timer = parseTimerEvent(event);
  const job = Object.hasOwn(config.jobs, timer.job) ? config.jobs[timer.job] : undefined;
  if (job === undefined) throw new UnknownJobError(timer.job);
  const triggeredAt = Date.parse(timer.triggerTime);
  return groupRobotWorkerEvent(
    { robot: job.robot, prompt: job.prompt, runId: `job:${timer.job}@${timer.triggerTime}`, source: 'job', job: timer.job },
    triggeredAt,
  );
}
