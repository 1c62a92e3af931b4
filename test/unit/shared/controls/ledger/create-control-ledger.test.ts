import { startOssServer, type OssServer } from '../../../../../local/oss/oss-server';
import type { AdmitRequest, ControlLedger } from '../../../../../shared/controls/ledger/control-ledger';
import { StorageError } from '../../../../../shared/errors';
import { createControlLedger, createLedgerCache, LEDGER_MAX_BYTES } from '../../../../../shared/controls/ledger/create-control-ledger';
import { NO_LIMITS, type LimitSettings } from '../../../../../shared/controls/robot-controls';
import type { AppendLog } from '../../../../../shared/storage/append-log';
import { createMemoryAppendLog } from '../../../../../shared/storage/memory/memory-append-log';
import { createOssAppendLog } from '../../../../../shared/storage/oss/oss-append-log';
import { createOssClient } from '../../../../../shared/storage/oss/oss-client';
import { createOssTransport } from '../../../../../shared/storage/oss/urllib-transport';
import { delayedLog } from '../../../../helpers/delayed-log';

/** 2026-12-02 12:00 in Beijing. */
const NOON = Date.UTC(2026, 11, 2, 4, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PREFIX = 'dingtalk-llm/controls/';
const dayKey = (day: string): string => `${PREFIX}dingtalk/usage/${day}.jsonl`;
const ADMIN_KEY = `${PREFIX}dingtalk/admin.jsonl`;

const limits = (user: Partial<LimitSettings['user']> = {}, group: Partial<LimitSettings['group']> = {}): LimitSettings => ({
  user: { ...NO_LIMITS, ...user },
  group: { ...NO_LIMITS, ...group },
});

const request = (id: string, at: number, over: Partial<AdmitRequest> = {}): AdmitRequest => ({
  id, subject: { user: 'u1', userName: '张三' }, at, estimate: { tokens: 100, calls: 3 }, limits: limits(), ...over,
});

/** A seeded random, so a run that fails repeats. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** The log with each call delayed by a seeded 0–3 ms either side, so instances interleave as over a network. */
function interleaved(log: AppendLog, seed: number): AppendLog {
  const random = seeded(seed);
  return delayedLog(log, () => new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 4))));
}

/** An FC instance: its own cache, kept across its invocations, each of which builds a ledger over it. */
function instance(log: AppendLog, seed = 1) {
  const cache = createLedgerCache();
  return (): ControlLedger => createControlLedger({ log, prefix: PREFIX, robot: 'dingtalk', cache, random: seeded(seed) });
}

describe('createControlLedger', () => {
  describe('exactness across instances', () => {
    async function twentyAgainstTen(log: AppendLog): Promise<void> {
      // Prepare
      const ledgers = Array.from({ length: 20 }, (_, i) => instance(interleaved(log, i + 1), i + 1)());
      const rate = limits({ messagesPerMinute: 10 });

      // Act
      const admissions = await Promise.all(ledgers.map((ledger, i) => ledger.admit(request(`m${i}`, NOON + i * 10, { limits: rate }))));

      // Assess
      const admittedAt = admissions.flatMap((admission, i) => (admission.admitted ? [NOON + i * 10] : []));
      expect(admittedAt).toHaveLength(10);
      const refusals = admissions.filter((admission) => !admission.admitted);
      expect(refusals).toHaveLength(10);
      for (const refusal of refusals) {
        expect(refusal).toMatchObject({ reason: 'limit', limit: 'user.messagesPerMinute', value: 10, resetsAt: Math.min(...admittedAt) + 60_000 });
      }
      const state = await instance(log)().state(NOON + 1_000, 0);
      expect(state.users.get('u1')?.messagesToday).toBe(10);
    }

    it('admits exactly 10 of 20 concurrent messages of one user limited to 10 a minute, over the memory log', async () => {
      await twentyAgainstTen(createMemoryAppendLog().log);
    });

    it('admits exactly 10 of 20 within one instance running them side by side', async () => {
      // Prepare
      const ledger = instance(createMemoryAppendLog().log);
      const rate = limits({ messagesPerMinute: 10 });

      // Act
      const admissions = await Promise.all(Array.from({ length: 20 }, (_, i) => ledger().admit(request(`m${i}`, NOON + i, { limits: rate }))));

      // Assess
      expect(admissions.filter((admission) => admission.admitted)).toHaveLength(10);
    });

    describe('over OSS (ali-oss against the local OSS server)', () => {
      let server: OssServer;
      const credentials = { accessKeyId: 'STS.local', accessKeySecret: 'sts-secret', securityToken: 'sts-token' };
      const transport = createOssTransport({ maxBodyBytes: 1 << 20 });

      beforeEach(async () => {
        server = await startOssServer({ buckets: ['chat'], credentials: [credentials] });
      });

      afterEach(async () => {
        await server.close();
      });

      it('admits exactly 10 of 20 concurrent messages from 20 instances', async () => {
        const client = createOssClient({ bucket: 'chat', region: 'cn-hangzhou', endpoint: server.url, credentials, timeoutMs: 5_000, transport });
        await twentyAgainstTen(createOssAppendLog(client));
      });
    });
  });

  describe('requests', () => {
    it('costs one request, the append, for an ordinary turn of a warm instance', async () => {
      // Prepare
      const memory = createMemoryAppendLog();
      const ledger = instance(memory.log);
      await ledger().admit(request('m1', NOON));
      await ledger().state(NOON + 1_000, 60_000);
      ledger().settle('m1', { tokens: 40, calls: 2 });
      memory.calls.length = 0;

      // Act
      const admission = await ledger().admit(request('m2', NOON + 2_000));
      await ledger().state(NOON + 3_000, 60_000);

      // Assess
      expect(admission.admitted).toBe(true);
      expect(memory.calls).toEqual(['append']);
    });

    it('reads the day object and admin.jsonl once on a cold start, then appends', async () => {
      // Prepare
      const memory = createMemoryAppendLog();
      await instance(memory.log)().admit(request('m1', NOON));
      memory.calls.length = 0;

      // Act
      const admission = await instance(memory.log)().admit(request('m2', NOON + 1_000));

      // Assess
      expect(admission).toMatchObject({ admitted: true });
      expect(memory.calls).toEqual(['readFrom', 'readFrom', 'append']);
      expect(admission.state.users.get('u1')?.messagesToday).toBe(2);
    });

    it('opens a day by walking back to the newest earlier day of the month, once, in the same append as its line', async () => {
      // Prepare
      const memory = createMemoryAppendLog();
      await instance(memory.log)().admit(request('m1', NOON));
      memory.calls.length = 0;
      const ledger = instance(memory.log);

      // Act: two days later, nothing on the day between.
      await ledger().admit(request('m2', NOON + 2 * DAY));
      await ledger().admit(request('m3', NOON + 2 * DAY + 1_000));

      // Assess: today (absent), yesterday (absent), the day before, admin.jsonl; then two appends.
      expect(memory.calls).toEqual(['readFrom', 'readFrom', 'readFrom', 'readFrom', 'append', 'append']);
      const lines = memory.text(dayKey('2026-12-04')).trim().split('\n').map((line) => JSON.parse(line) as { t: string });
      expect(lines.map((line) => line.t)).toEqual(['open', 'admit', 'admit']);
      expect(lines[0]).toMatchObject({ day: '2026-12-04', users: { u1: { n: '张三', tokens: 100 } }, calls: 3 });
    });

    it('confirms a refusal with one read of the new bytes and writes nothing', async () => {
      // Prepare
      const memory = createMemoryAppendLog();
      const ledger = instance(memory.log);
      const rate = limits({ messagesPerMinute: 1 });
      await ledger().admit(request('m1', NOON, { limits: rate }));
      memory.calls.length = 0;

      // Act
      const admission = await ledger().admit(request('m2', NOON + 1_000, { limits: rate }));

      // Assess
      expect(admission).toMatchObject({ admitted: false, limit: 'user.messagesPerMinute', resetsAt: NOON + 60_000 });
      expect(memory.calls).toEqual(['readFrom']);
    });
  });

  describe('token quotas', () => {
    it('admits while the day\'s tokens are under the user\'s limit, then names it and the next Beijing midnight', async () => {
      // Prepare
      const ledger = instance(createMemoryAppendLog().log);
      const daily = limits({ tokensPerDay: 150 });

      // Act
      const first = await ledger().admit(request('m1', NOON, { limits: daily }));
      const second = await ledger().admit(request('m2', NOON + 1_000, { limits: daily }));
      const third = await ledger().admit(request('m3', NOON + 2_000, { limits: daily }));
      const tomorrow = await ledger().admit(request('m4', NOON + DAY, { limits: daily }));

      // Assess: the message that crosses the limit is the last one admitted.
      expect([first.admitted, second.admitted, third.admitted, tomorrow.admitted]).toEqual([true, true, false, true]);
      expect(third).toMatchObject({ reason: 'limit', limit: 'user.tokensPerDay', value: 150, resetsAt: Date.UTC(2026, 11, 2, 16, 0, 0) });
    });

    it('counts a group\'s members together', async () => {
      // Prepare
      const ledger = instance(createMemoryAppendLog().log);
      const group = limits({}, { tokensPerDay: 200 });
      const inGroup = (id: string, user: string) => request(id, NOON, { subject: { user, group: 'cid-sales' }, limits: group });

      // Act
      const admissions = [await ledger().admit(inGroup('m1', 'u1')), await ledger().admit(inGroup('m2', 'u2')), await ledger().admit(inGroup('m3', 'u3'))];
      const alone = await ledger().admit(request('m4', NOON, { subject: { user: 'u3' }, limits: group }));

      // Assess
      expect(admissions.map((admission) => admission.admitted)).toEqual([true, true, false]);
      expect(admissions[2]).toMatchObject({ limit: 'group.tokensPerDay', value: 200 });
      expect(alone.admitted).toBe(true);
    });

    it('carries the month across days and instances, and names the month\'s limit and the 1st of next month', async () => {
      // Prepare
      const log = createMemoryAppendLog().log;
      const monthly = limits({ tokensPerMonth: 250, tokensPerDay: 1_000 }, { tokensPerMonth: 10_000 });
      const inGroup = (id: string, at: number) => request(id, at, { subject: { user: 'u1', group: 'g1' }, limits: monthly });
      await instance(log)().admit(inGroup('m1', NOON - DAY));
      await instance(log)().admit(inGroup('m2', NOON));

      // Act: two days later, from yet another instance.
      const third = await instance(log)().admit(inGroup('m3', NOON + 2 * DAY));
      const fourth = await instance(log)().admit(inGroup('m4', NOON + 2 * DAY + 1));

      // Assess
      expect(third.admitted).toBe(true);
      expect(third.state.users.get('u1')).toMatchObject({ tokensToday: 100, tokensMonth: 300, messagesToday: 1 });
      expect(third.state.groups.get('g1')).toMatchObject({ tokensMonth: 300 });
      expect(fourth).toMatchObject({ reason: 'limit', limit: 'user.tokensPerMonth', value: 250, resetsAt: Date.UTC(2026, 11, 31, 16, 0, 0) });
    });

    it('holds the rate limit across Beijing midnight', async () => {
      // Prepare: 23:59:50 Beijing.
      const log = createMemoryAppendLog().log;
      const rate = limits({ messagesPerMinute: 2 });
      const beforeMidnight = Date.UTC(2026, 11, 2, 15, 59, 50);
      await instance(log)().admit(request('m1', beforeMidnight, { limits: rate }));
      await instance(log)().admit(request('m2', beforeMidnight + 1_000, { limits: rate }));

      // Act
      const afterMidnight = await instance(log)().admit(request('m3', beforeMidnight + 20_000, { limits: rate }));

      // Assess
      expect(afterMidnight).toMatchObject({ admitted: false, limit: 'user.messagesPerMinute', resetsAt: beforeMidnight + 60_000, state: { day: '2026-12-03' } });
    });

    it('starts each Beijing month from nothing', async () => {
      // Prepare: 23:30 Beijing on 31 December, then 00:30 on 1 January.
      const log = createMemoryAppendLog().log;
      const monthly = limits({ tokensPerMonth: 100 });
      const lastEvening = Date.UTC(2026, 11, 31, 15, 30);
      await instance(log)().admit(request('m1', lastEvening, { limits: monthly }));
      const refused = await instance(log)().admit(request('m2', lastEvening + 1, { limits: monthly }));

      // Act
      const newMonth = await instance(log)().admit(request('m3', lastEvening + HOUR, { limits: monthly }));

      // Assess
      expect(refused.admitted).toBe(false);
      expect(newMonth).toMatchObject({ admitted: true, state: { day: '2027-01-01', month: '2027-01' } });
      expect(newMonth.state.users.get('u1')?.tokensMonth).toBe(100);
    });

    it('corrects the estimate with the settled usage, which rides on the instance\'s next append', async () => {
      // Prepare
      const memory = createMemoryAppendLog();
      const ledger = instance(memory.log);
      const daily = limits({ tokensPerDay: 250 });
      await ledger().admit(request('m1', NOON, { limits: daily }));
      await ledger().admit(request('m2', NOON + 1, { limits: daily }));
      ledger().settle('m1', { tokens: 20, calls: 1 });
      ledger().settle('m2', { tokens: 30, calls: 2 });
      memory.calls.length = 0;

      // Act: 200 estimated tokens would refuse; settled, the two used 50.
      const third = await ledger().admit(request('m3', NOON + 2, { limits: daily }));
      const other = await instance(memory.log)().state(NOON + 3, 0);

      // Assess
      expect(third.admitted).toBe(true);
      expect(memory.calls.slice(0, 1)).toEqual(['append']);
      for (const state of [third.state, other]) {
        expect(state.users.get('u1')).toMatchObject({ tokensToday: 150, tokensMonth: 150 });
        expect(state.calls).toEqual({ day: 6, month: 6 });
      }
      const settleLine = memory.text(dayKey('2026-12-02')).trim().split('\n').at(-1);
      expect(JSON.parse(settleLine ?? '{}')).toMatchObject({ id: 'm3', settle: [{ id: 'm1', tokens: 20 }, { id: 'm2', tokens: 30 }] });
    });

    it('applies a settlement once, and none for an id not admitted that day', async () => {
      // Prepare
      const ledger = instance(createMemoryAppendLog().log);
      await ledger().admit(request('m1', NOON));
      ledger().settle('m1', { tokens: 10, calls: 0 });
      await ledger().admit(request('m2', NOON + 1));

      // Act
      ledger().settle('m1', { tokens: 90, calls: 0 });
      ledger().settle('never-admitted', { tokens: 5, calls: 0 });
      const third = await ledger().admit(request('m3', NOON + 2));

      // Assess
      expect(third.state.users.get('u1')?.tokensToday).toBe(210);
    });
  });

  describe('one admission per message', () => {
    it('answers a second admit of the same id, from another instance, with the first\'s admission and no new count', async () => {
      // Prepare
      const log = createMemoryAppendLog().log;
      await instance(log)().admit(request('m1', NOON, { limits: limits({ messagesPerMinute: 1 }) }));

      // Act
      const again = await instance(log)().admit(request('m1', NOON + 500, { limits: limits({ messagesPerMinute: 1 }) }));

      // Assess
      expect(again.admitted).toBe(true);
      expect(again.state.users.get('u1')?.messagesToday).toBe(1);
    });
  });

  describe('the refusal notice', () => {
    it('is due exactly once per user and Beijing day, across instances', async () => {
      // Prepare
      const log = createMemoryAppendLog().log;
      const [a, b] = [instance(log), instance(log)];

      // Act
      const answers = await Promise.all([a().firstRefusalToday('u1', NOON, 'm1'), b().firstRefusalToday('u1', NOON + 1, 'm2')]);
      const later = [await a().firstRefusalToday('u1', NOON + 2, 'm3'), await b().firstRefusalToday('u1', NOON + 3, 'm4')];
      const other = await b().firstRefusalToday('u2', NOON + 4, 'm5');
      const tomorrow = await a().firstRefusalToday('u1', NOON + DAY, 'm6');

      // Assess
      expect(answers.filter(Boolean)).toHaveLength(1);
      expect(later).toEqual([false, false]);
      expect([other, tomorrow]).toEqual([true, true]);
      // The run that was to tell them, retried by FC because its reply failed, tells them after all.
      const teller = answers[0] ? 'm1' : 'm2';
      expect(await b().firstRefusalToday('u1', NOON + 5, teller)).toBe(true);
    });
  });

  describe('DingTalk\'s limits', () => {
    it('shows a reported 90020 to another warm instance at its next admit, as markdown until the month ends', async () => {
      // Prepare
      const log = createMemoryAppendLog().log;
      const [a, b] = [instance(log), instance(log)];
      await b().admit(request('m1', NOON));

      // Act
      await a().reportApiLimit('quota-exhausted', NOON + 1_000);
      const admission = await b().admit(request('m2', NOON + 2_000));

      // Assess
      expect(admission.state.forcedStep).toEqual({ step: 'markdown', reason: 'quota-exhausted', at: NOON + 1_000, until: Date.UTC(2026, 11, 31, 16, 0, 0) });
    });

    it('shows a QpsLimit through state once the view is older than maxAgeMs: one step down for ten minutes', async () => {
      // Prepare
      const log = createMemoryAppendLog().log;
      const [a, b] = [instance(log), instance(log)];
      await b().state(NOON, 60_000);

      // Act
      await a().reportApiLimit('qps-limit', NOON + 1_000);
      await a().reportApiLimit('qps-limit', NOON + 2_000);
      const young = await b().state(NOON + 30_000, 60_000);
      const old = await b().state(NOON + 61_000, 60_000);
      const over = await b().state(NOON + 1_000 + 10 * 60_000, 60_000);

      // Assess: the second report of the same burst lowers nothing more.
      expect(young.forcedStep).toBeUndefined();
      expect(old.forcedStep).toEqual({ step: 'fewer', reason: 'qps-limit', at: NOON + 1_000, until: NOON + 1_000 + 10 * 60_000 });
      expect(over.forcedStep).toBeUndefined();
    });

    it('lowers one step more for a QpsLimit a minute into the last one\'s hold', async () => {
      // Prepare
      const ledger = instance(createMemoryAppendLog().log);
      await ledger().reportApiLimit('qps-limit', NOON);

      // Act
      await ledger().reportApiLimit('qps-limit', NOON + 90_000);

      // Assess
      expect((await ledger().state(NOON + 91_000, 0)).forcedStep).toMatchObject({ step: 'final-only', until: NOON + 90_000 + 10 * 60_000 });
    });
  });

  describe('admin changes', () => {
    const admin = { by: 'admin-1', byName: '李四' };

    it('keeps the audit record, who, what and when, in admin.jsonl', async () => {
      // Prepare
      const memory = createMemoryAppendLog();

      // Act
      await instance(memory.log)().recordAdmin({ ...admin, at: NOON, change: { kind: 'block', user: 'u1' } });

      // Assess
      expect(JSON.parse(memory.text(ADMIN_KEY))).toEqual({ t: 'admin', by: 'admin-1', byName: '李四', at: NOON, change: { kind: 'block', user: 'u1' } });
    });

    it('blocks on another warm instance at its next admit, and unblocks', async () => {
      // Prepare
      const log = createMemoryAppendLog().log;
      const [a, b] = [instance(log), instance(log)];
      await b().admit(request('m1', NOON));

      // Act
      const returned = await a().recordAdmin({ ...admin, at: NOON + 1_000, change: { kind: 'block', user: 'u1' } });
      const blocked = await b().admit(request('m2', NOON + 2_000));
      await a().recordAdmin({ ...admin, at: NOON + 3_000, change: { kind: 'unblock', user: 'u1' } });
      const unblocked = await b().admit(request('m3', NOON + 4_000));

      // Assess
      expect(returned.blocked).toEqual(new Set(['u1']));
      expect(blocked).toMatchObject({ admitted: false, reason: 'blocked' });
      expect(unblocked.admitted).toBe(true);
      expect(unblocked.state.recentAdmin.map((record) => record.change.kind)).toEqual(['block', 'unblock']);
    });

    it('applies a quota change on another instance at its next admit', async () => {
      // Prepare
      const log = createMemoryAppendLog().log;
      const [a, b] = [instance(log), instance(log)];
      await b().admit(request('m1', NOON));

      // Act
      await a().recordAdmin({ ...admin, at: NOON + 1, change: { kind: 'quota', scope: 'user', id: 'u1', values: { tokensPerDay: 100 } } });
      const refused = await b().admit(request('m2', NOON + 2));
      await a().recordAdmin({ ...admin, at: NOON + 3, change: { kind: 'quota-reset', scope: 'user', id: 'u1' } });
      const admitted = await b().admit(request('m3', NOON + 4));

      // Assess
      expect(refused).toMatchObject({ admitted: false, reason: 'limit', limit: 'user.tokensPerDay', value: 100 });
      expect(admitted.admitted).toBe(true);
    });

    it('reaches another instance\'s state once its view is older than maxAgeMs', async () => {
      // Prepare
      const log = createMemoryAppendLog().log;
      const [a, b] = [instance(log), instance(log)];
      await b().state(NOON, 60_000);

      // Act
      await a().recordAdmin({ ...admin, at: NOON + 1_000, change: { kind: 'quota', scope: 'group', id: 'g1', values: { tokensPerMonth: 5_000 } } });
      const young = await b().state(NOON + 59_000, 60_000);
      const old = await b().state(NOON + 61_000, 60_000);

      // Assess
      expect(young.quotas.group.size).toBe(0);
      expect(old.quotas.group.get('g1')).toEqual({ tokensPerMonth: 5_000 });
    });

    it('refuses a change that admin.jsonl could not read back', async () => {
      // Prepare
      const ledger = instance(createMemoryAppendLog().log);

      // Act
      const recording = ledger().recordAdmin({ ...admin, at: NOON, change: { kind: 'block', user: '' } });

      // Assess
      await expect(recording).rejects.toBeInstanceOf(RangeError);
    });
  });

  describe('damaged objects', () => {
    it('skips a torn last line, and starts its own line after it, the same for every reader', async () => {
      // Prepare
      const memory = createMemoryAppendLog();
      await instance(memory.log)().admit(request('m1', NOON));
      const length = await memory.log.append(dayKey('2026-12-02'), memory.objects.get(dayKey('2026-12-02'))?.length ?? 0, '{"t":"admit","id":"m9","u":"u1');
      const warm = instance(memory.log);
      await warm().state(NOON, 0);

      // Act
      const admission = await warm().admit(request('m2', NOON + 1_000));
      const cold = await instance(memory.log)().state(NOON + 2_000, 0);

      // Assess
      expect(admission.admitted).toBe(true);
      expect(memory.objects.get(dayKey('2026-12-02'))?.subarray(length, length + 1).toString()).toBe('\n');
      expect(cold.users.get('u1')?.messagesToday).toBe(2);
      expect(admission.state.users.get('u1')?.messagesToday).toBe(2);
    });

    it('refuses with a StorageError a day object longer than the ledger reads', async () => {
      // Prepare
      const memory = createMemoryAppendLog();
      memory.objects.set(dayKey('2026-12-02'), Buffer.alloc(LEDGER_MAX_BYTES + 1, 0x0a));

      // Act
      const admitting = instance(memory.log)().admit(request('m1', NOON));

      // Assess
      await expect(admitting).rejects.toThrow(/read up to 8388608 bytes/);
      await expect(admitting).rejects.toBeInstanceOf(StorageError);
    });
  });

  it('counts an admin like everyone but never blocks or limits them (an exempt admission)', async () => {
    const { log } = createMemoryAppendLog();
    const ledger = instance(log)();
    await ledger.recordAdmin({ by: 'other-admin', at: NOON, change: { kind: 'block', user: 'u1' } });
    const tight = limits({ messagesPerMinute: 1 });
    const first = await ledger.admit(request('m1', NOON + 1, { limits: tight, exempt: true }));
    const second = await ledger.admit(request('m2', NOON + 2, { limits: tight, exempt: true }));
    const plain = await ledger.admit(request('m3', NOON + 3, { limits: tight }));
    expect([first.admitted, second.admitted, plain.admitted]).toEqual([true, true, false]);
    expect(second.state.users.get('u1')?.messagesToday).toBe(2);
  });

  it('applies a block made late in the day on a warm instance that never read that day’s marker, the next morning', async () => {
    const { log } = createMemoryAppendLog();
    const first = instance(log, 1);
    const second = instance(log, 2);
    expect((await first().admit(request('m1', NOON))).admitted).toBe(true);
    await second().recordAdmin({ by: 'boss', at: NOON + 10 * HOUR, change: { kind: 'block', user: 'u1' } });
    const morning = await first().admit(request('m2', NOON + DAY - 3 * HOUR));
    expect(morning).toMatchObject({ admitted: false, reason: 'blocked' });
  });

  it('announces an admin change whose marker never landed at the next fresh read, so other instances apply it', async () => {
    const { log } = createMemoryAppendLog();
    let failMarker = true;
    const flaky: AppendLog = {
      ...log,
      append: async (key, position, data) => {
        if (failMarker && key.includes('/usage/') && data.includes('"t":"admin"')) {
          failMarker = false;
          throw new StorageError('the marker’s append was lost');
        }
        return log.append(key, position, data);
      },
      readTail: log.readTail.bind(log), length: log.length.bind(log), remove: log.remove.bind(log), readAll: log.readAll.bind(log), readFrom: log.readFrom.bind(log), put: log.put.bind(log),
    };
    const warm = instance(flaky, 1);
    const admin = instance(flaky, 2);
    expect((await warm().admit(request('m1', NOON))).admitted).toBe(true);
    await expect(admin().recordAdmin({ by: 'boss', at: NOON + 1, change: { kind: 'block', user: 'u1' } })).rejects.toThrow(StorageError);
    // The admin looks again (a retry of the command reads fresh): the change is in admin.jsonl, its marker is written now.
    expect((await admin().state(NOON + 2, 0)).blocked.has('u1')).toBe(true);
    expect(await warm().admit(request('m2', NOON + 3))).toMatchObject({ admitted: false, reason: 'blocked' });
  });
});
