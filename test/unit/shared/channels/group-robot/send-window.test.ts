import { APPEND_ATTEMPTS } from '../../../../../shared/channels/group-robot/send-records';
import { createSendWindow } from '../../../../../shared/channels/group-robot/send-window';
import { AppendConflictError, RobotRateLimitError, StorageError } from '../../../../../shared/errors';
import { digest } from '../../../../../shared/history/conversation-key';
import { createLogger } from '../../../../../shared/logging/logger';
import type { AppendLog } from '../../../../../shared/storage/append-log';
import { createMemoryAppendLog } from '../../../../../shared/storage/memory/memory-append-log';
import { captureLog } from '../../../../helpers/builders';
import { delayedLog } from '../../../../helpers/delayed-log';

const START = Date.UTC(2026, 0, 5, 1, 0, 0);
const OPS_TOKEN = 'opsaccesstoken0123456789';
const webhookOf = (token: string): string => `https://oapi.dingtalk.com/robot/send?access_token=${token}`;
const OPS = { name: 'ops', webhook: webhookOf(OPS_TOKEN) };
const TEAM = { name: 'team', webhook: webhookOf('teamaccesstoken012345678') };
/** Where the window of OPS_TOKEN keeps a day's records. */
const opsKey = (day: string): string => `robot-sends/${digest(OPS_TOKEN)}/${day}.jsonl`;

/** A clock that only moves when a sender sleeps: a sleeper wakes at its own wake-up time (the clock never goes back). */
function fakeClock(start = START) {
  let time = start;
  return {
    now: () => time,
    set: (at: number) => {
      time = at;
    },
    sleep: async (ms: number) => {
      const wakeAt = time + ms;
      await Promise.resolve();
      time = Math.max(time, wakeAt);
    },
  };
}

function windowOn(log: ReturnType<typeof createMemoryAppendLog>['log'], clock: ReturnType<typeof fakeClock>, write?: (line: string) => void) {
  const logger = createLogger({ service: 'test', ...(write ? { write } : { level: 'error', write: () => undefined }) });
  return createSendWindow({ log, prefix: 'robot-sends/', logger, now: clock.now, sleep: clock.sleep });
}

/**
 * The log with each call delayed by a pseudo-random number of microtask turns (seeded, so a failure reproduces), so
 * that senders interleave between reading the window and appending, as two instances do over the network.
 */
function jittered(log: AppendLog, seed: number): AppendLog {
  let state = seed;
  return delayedLog(log, async () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    for (let turn = state % 7; turn > 0; turn -= 1) await Promise.resolve();
  });
}

/** The largest number of times in any span of `spanMs` (a sliding window over the sorted times). */
function busiestSpan(times: number[], spanMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let busiest = 0;
  for (let start = 0, end = 0; end < sorted.length; end += 1) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= spanMs) start += 1;
    busiest = Math.max(busiest, end - start + 1);
  }
  return busiest;
}

describe('send window', () => {
  it('lets 20 sends through at once and makes the 21st wait until the first leaves the window', async () => {
    // Prepare
    const storage = createMemoryAppendLog();
    const clock = fakeClock();
    const window = windowOn(storage.log, clock);
    const times: number[] = [];
    // Act
    for (let index = 0; index < 21; index += 1) {
      await window.acquire(OPS, START + 5 * 60_000);
      times.push(clock.now());
    }
    // Assess
    expect(times.slice(0, 20).every((time) => time === START)).toBe(true);
    expect(times[20]).toBe(START + 61_000);
  });

  it.each([1, 2, 3, 4, 5, 6])('never lets two windows on one log exceed 20 sends in any minute (interleaving %i)', async (seed) => {
    // Prepare
    const storage = createMemoryAppendLog();
    const clock = fakeClock();
    const windows = [windowOn(jittered(storage.log, seed), clock), windowOn(jittered(storage.log, seed * 7919), clock)];
    // Act: 70 senders at once, alternating between the two windows (two FC instances)
    await Promise.all(Array.from({ length: 70 }, (_, index) => windows[index % 2]!.acquire(OPS, START + 3_600_000)));
    // Assess: the claimed send times, as every instance sees them
    const lines = storage.text(opsKey('2026-01-05')).trim().split('\n');
    const times = lines.map((line) => (JSON.parse(line) as { at: number }).at);
    expect(times).toHaveLength(70);
    expect(busiestSpan(times, 60_000)).toBeLessThanOrEqual(20);
    expect(storage.calls.filter((call) => call === 'append').length).toBeGreaterThan(70);
  });

  it('refuses at once, saying when the window frees up, when the deadline comes first', async () => {
    // Prepare
    const storage = createMemoryAppendLog();
    const clock = fakeClock();
    const log = captureLog();
    const window = windowOn(storage.log, clock, log.write);
    for (let index = 0; index < 20; index += 1) await window.acquire(OPS, START + 1000);
    // Act
    const error = await window.acquire(OPS, START + 30_000).catch((thrown: unknown) => thrown);
    // Assess
    expect(error).toBeInstanceOf(RobotRateLimitError);
    expect(error).toMatchObject({ robot: 'ops', reason: 'window-full', sendsInWindow: 20, freesAt: START + 61_000 });
    expect(clock.now()).toBe(START);
    expect(log.entries()).toContainEqual(
      expect.objectContaining({ level: 'warn', robot: 'ops', sends_in_window: 20, frees_at: new Date(START + 61_000).toISOString() }),
    );
  });

  it('keeps robots with different webhooks apart', async () => {
    // Prepare
    const storage = createMemoryAppendLog();
    const clock = fakeClock();
    const window = windowOn(storage.log, clock);
    for (let index = 0; index < 20; index += 1) await window.acquire(OPS, START);
    // Act
    await window.acquire(TEAM, START);
    // Assess
    expect(clock.now()).toBe(START);
  });

  it('after a 130101 refuses every instance for 10 minutes, then lets sends through again', async () => {
    // Prepare
    const storage = createMemoryAppendLog();
    const clock = fakeClock();
    const [first, second] = [windowOn(storage.log, clock), windowOn(storage.log, clock)];
    // Act
    await first!.recordBlock(OPS);
    const blocked = await second!.acquire(OPS, START + 3_600_000).catch((thrown: unknown) => thrown);
    clock.set(START + 600_000);
    await second!.acquire(OPS, START + 3_600_000);
    // Assess
    expect(blocked).toMatchObject({ reason: 'blocked', freesAt: START + 600_000 });
  });

  it('counts the sends of the previous day and a block recorded there, across midnight', async () => {
    // Prepare
    const storage = createMemoryAppendLog();
    const midnight = Date.UTC(2026, 0, 6);
    const clock = fakeClock(midnight - 30_000);
    const window = windowOn(storage.log, clock);
    for (let index = 0; index < 20; index += 1) await window.acquire(OPS, midnight);
    await window.recordBlock(TEAM);
    clock.set(midnight + 10_000);
    // Act
    const full = await window.acquire(OPS, midnight + 20_000).catch((thrown: unknown) => thrown);
    const blocked = await window.acquire(TEAM, midnight + 20_000).catch((thrown: unknown) => thrown);
    // Assess
    expect(full).toMatchObject({ reason: 'window-full', sendsInWindow: 20 });
    expect(blocked).toMatchObject({ reason: 'blocked' });
  });

  it('counts one webhook once, under whatever names the config gives it, and keeps its token out of keys and logs', async () => {
    // Prepare: 'ops' and 'alerts' are the same DingTalk robot; 'ops' sends 20
    const storage = createMemoryAppendLog();
    const clock = fakeClock();
    const log = captureLog();
    const window = windowOn(storage.log, clock, log.write);
    for (let index = 0; index < 20; index += 1) await window.acquire(OPS, START + 1000);
    // Act
    const alias = await window.acquire({ name: 'alerts', webhook: OPS.webhook }, START + 1000).catch((thrown: unknown) => thrown);
    // Assess
    expect(alias).toMatchObject({ robot: 'alerts', reason: 'window-full', sendsInWindow: 20 });
    expect([...storage.objects.keys()]).toEqual([opsKey('2026-01-05')]);
    expect(log.lines.join('\n')).not.toContain(OPS_TOKEN);
  });

  it('records a send at the time its claim is written, not when its slow read began', async () => {
    // Prepare: every read takes 4 s of the clock; the clock is noted when each claim is appended
    const storage = createMemoryAppendLog();
    const clock = fakeClock();
    const appendedAt: number[] = [];
    const slow: AppendLog = {
      ...storage.log,
      readTail: async (key, maxBytes) => {
        clock.set(clock.now() + 4000);
        return storage.log.readTail(key, maxBytes);
      },
      append: async (key, position, data) => {
        appendedAt.push(clock.now());
        return storage.log.append(key, position, data);
      },
    };
    const window = windowOn(slow, clock);
    // Act
    for (let index = 0; index < 3; index += 1) await window.acquire(OPS, START + 60_000);
    // Assess
    const recorded = storage.text(opsKey('2026-01-05')).trim().split('\n').map((line) => (JSON.parse(line) as { at: number }).at);
    expect(recorded).toEqual([START + 4000, START + 8000, START + 12_000]);
    expect(recorded).toEqual(appendedAt);
  });

  it('gives up recording a block with a storage error when other writers win every append, and writes nothing', async () => {
    // Prepare
    const storage = createMemoryAppendLog();
    const clock = fakeClock();
    const appends: string[] = [];
    const contended: AppendLog = {
      ...storage.log,
      append: async (key) => {
        appends.push(key);
        throw new AppendConflictError(key);
      },
    };
    const window = windowOn(contended, clock);
    // Act
    const error = await window.recordBlock(OPS).catch((thrown: unknown) => thrown);
    // Assess
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).toContain(`${APPEND_ATTEMPTS} appends in a row`);
    expect(appends).toHaveLength(APPEND_ATTEMPTS);
    expect(storage.objects.size).toBe(0);
  });
});
