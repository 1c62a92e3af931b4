import { AppendConflictError, RobotRateLimitError } from '../../errors';
import type { Logger } from '../../logging/logger';
import type { AppendLog } from '../../storage/append-log';
import type { RobotTarget } from './robot-client';
import { createSendRecords } from './send-records';

/**
 * A robot's send limit, shared by every FC instance (docs/group-robot.md §3: 20 messages a minute per robot, then
 * DingTalk blocks it for 10 minutes), counted per webhook in send-records.ts. A sender reads the tail, counts the
 * sends of the last minute, and claims a slot by appending at the length it read: a concurrent claim makes that
 * append fail (AppendConflictError), and the sender counts again. So no minute ever holds more sends than the limit,
 * whichever instance sends.
 */
export interface SendWindow {
  /**
   * Claims one send to `robot`'s webhook, waiting for a free slot until `deadline` (epoch ms). Throws
   * RobotRateLimitError, after a log line saying the robot, the sends in the window and when it frees up, when the
   * robot is blocked or no slot frees up before the deadline.
   */
  acquire(robot: WindowRobot, deadline: number): Promise<void>;
  /** DingTalk answered 130101: no send to `robot`'s webhook for the block time, from any instance. */
  recordBlock(robot: WindowRobot): Promise<void>;
}

/** The name is for logs only; the webhook decides which window counts. */
export type WindowRobot = Pick<RobotTarget, 'name' | 'webhook'>;

export interface SendWindowOptions {
  log: AppendLog;
  /** Key prefix (send-records.ts). */
  prefix: string;
  logger: Logger;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Sends per window; default 20. */
  limit?: number;
  /** Default 61 s: a minute plus room for the request's own way to DingTalk, whose clock counts the minute. */
  windowMs?: number;
  /** Default 10 minutes. */
  blockMs?: number;
}

export function createSendWindow(options: SendWindowOptions): SendWindow {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const limit = options.limit ?? 20;
  const windowMs = options.windowMs ?? 61_000;
  const blockMs = options.blockMs ?? 600_000;
  const records = createSendRecords({ log: options.log, prefix: options.prefix, reachMs: Math.max(windowMs, blockMs) });

  return {
    async acquire(robot, deadline) {
      for (;;) {
        const read = await records.read(robot.webhook, now());
        // Counted and recorded at the time after the read, the latest before the claim is written: a send recorded
        // earlier than it is posted would leave the window early and let a 21st through within DingTalk's minute.
        const at = now();
        const blockedUntil = Math.max(0, ...read.records.map((record) => (record.kind === 'block' ? record.until : 0)));
        const sends = read.records.filter((record) => record.kind === 'send' && record.at > at - windowMs).map((record) => record.at).sort((a, b) => a - b);
        if (blockedUntil > at) throw refuse(robot, 'blocked', sends.length, blockedUntil);
        if (sends.length < limit) {
          try {
            await records.claim(read, { kind: 'send', at });
            return;
          } catch (error) {
            if (error instanceof AppendConflictError) continue;
            throw error;
          }
        }
        // The slot frees when enough of the oldest sends have left the window.
        const freesAt = (sends[sends.length - limit] ?? at) + windowMs;
        if (freesAt > deadline) throw refuse(robot, 'window-full', sends.length, freesAt);
        options.logger.info('group robot at its send limit; waiting for a slot', { robot: robot.name, sends_in_window: sends.length, frees_at: new Date(freesAt).toISOString() });
        await sleep(freesAt - at);
      }
    },

    async recordBlock(robot) {
      const at = now();
      await records.append(robot.webhook, { kind: 'block', at, until: at + blockMs });
      options.logger.warn('DingTalk blocked the group robot for sending too fast (130101)', { robot: robot.name, blocked_until: new Date(at + blockMs).toISOString() });
    },
  };

  function refuse(robot: WindowRobot, reason: 'blocked' | 'window-full', sendsInWindow: number, freesAt: number): RobotRateLimitError {
    const error = new RobotRateLimitError(robot.name, reason, sendsInWindow, freesAt);
    const message = reason === 'blocked' ? 'group robot is blocked; not sending' : 'group robot send limit reached before the deadline; not sending';
    options.logger.warn(message, { robot: robot.name, sends_in_window: sendsInWindow, limit, frees_at: new Date(freesAt).toISOString() });
    return error;
  }
}
