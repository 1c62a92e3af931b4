import * as v from 'valibot';
import { AppendConflictError, RobotRateLimitError } from '../../errors';
import type { Logger } from '../../logging/logger';
import type { AppendLog } from '../../storage/append-log';
import { jsonLine, parseJsonLines } from '../../validation/json-lines';

/**
 * A robot's send limit, shared by every FC instance (docs/group-robot.md §3: 20 messages a minute per robot, then
 * DingTalk blocks it for 10 minutes). Each robot has one appendable object per UTC day, one line per send (and one
 * per block DingTalk imposed). A sender reads the tail, counts the sends of the last minute, and claims a slot by
 * appending at the length it read: a concurrent claim makes that append fail (AppendConflictError), and the sender
 * counts again. So no minute ever holds more sends than the limit, whichever instance sends.
 */
export interface SendWindow {
  /**
   * Claims one send for `robot`, waiting for a free slot until `deadline` (epoch ms). Throws RobotRateLimitError,
   * after a log line saying the robot, the sends in the window and when it frees up, when the robot is blocked or
   * no slot frees up before the deadline.
   */
  acquire(robot: string, deadline: number): Promise<void>;
  /** DingTalk answered 130101: no send to `robot` for the block time, from any instance. */
  recordBlock(robot: string): Promise<void>;
}

export interface SendWindowOptions {
  log: AppendLog;
  /** Key prefix; the object is `<prefix><robot>/<yyyy-mm-dd>.jsonl`. */
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

const RecordSchema = v.union([
  v.object({ kind: v.literal('send'), at: v.number() }),
  v.object({ kind: v.literal('block'), at: v.number(), until: v.number() }),
]);

/** Far more than a minute's lines (about 40 bytes each), so the tail always holds the whole window. */
const TAIL_BYTES = 16 * 1024;
const DAY_MS = 86_400_000;

export function createSendWindow(options: SendWindowOptions): SendWindow {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const limit = options.limit ?? 20;
  const windowMs = options.windowMs ?? 61_000;
  const blockMs = options.blockMs ?? 600_000;
  const keyOf = (robot: string, at: number): string => `${options.prefix}${robot}/${new Date(at).toISOString().slice(0, 10)}.jsonl`;

  /** Today's records, and yesterday's while its sends or a block recorded there can still matter. */
  async function read(robot: string, at: number) {
    const today = await options.log.readTail(keyOf(robot, at), TAIL_BYTES);
    const reachesBack = at - Math.max(windowMs, blockMs);
    const yesterday = keyOf(robot, reachesBack) === keyOf(robot, at) ? '' : (await options.log.readTail(keyOf(robot, at - DAY_MS), TAIL_BYTES)).text;
    const { records } = parseJsonLines(RecordSchema, `${yesterday}\n${today.text}`);
    return { records, length: today.length };
  }

  async function append(robot: string, line: string): Promise<void> {
    for (;;) {
      const at = now();
      const key = keyOf(robot, at);
      try {
        await options.log.append(key, await options.log.length(key), line);
        return;
      } catch (error) {
        if (!(error instanceof AppendConflictError)) throw error;
      }
    }
  }

  return {
    async acquire(robot, deadline) {
      for (;;) {
        const at = now();
        const { records, length } = await read(robot, at);
        const blockedUntil = Math.max(0, ...records.map((record) => (record.kind === 'block' ? record.until : 0)));
        const sends = records.filter((record) => record.kind === 'send' && record.at > at - windowMs).map((record) => record.at).sort((a, b) => a - b);
        if (blockedUntil > at) throw refuse(robot, 'blocked', sends.length, blockedUntil);
        if (sends.length < limit) {
          try {
            await options.log.append(keyOf(robot, at), length, jsonLine({ kind: 'send', at }));
            return;
          } catch (error) {
            if (error instanceof AppendConflictError) continue;
            throw error;
          }
        }
        // The slot frees when enough of the oldest sends have left the window.
        const freesAt = (sends[sends.length - limit] ?? at) + windowMs;
        if (freesAt > deadline) throw refuse(robot, 'window-full', sends.length, freesAt);
        options.logger.info('group robot at its send limit; waiting for a slot', { robot, sends_in_window: sends.length, frees_at: new Date(freesAt).toISOString() });
        await sleep(freesAt - at);
      }
    },

    async recordBlock(robot) {
      const at = now();
      await append(robot, jsonLine({ kind: 'block', at, until: at + blockMs }));
      options.logger.warn('DingTalk blocked the group robot for sending too fast (130101)', { robot, blocked_until: new Date(at + blockMs).toISOString() });
    },
  };

  function refuse(robot: string, reason: 'blocked' | 'window-full', sendsInWindow: number, freesAt: number): RobotRateLimitError {
    const error = new RobotRateLimitError(robot, reason, sendsInWindow, freesAt);
    options.logger.warn(reason === 'blocked' ? 'group robot is blocked; not sending' : 'group robot send limit reached before the deadline; not sending', {
      robot,
      sends_in_window: sendsInWindow,
      limit,
      frees_at: new Date(freesAt).toISOString(),
    });
    return error;
  }
}
