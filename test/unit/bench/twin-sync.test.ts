import { copyLedger, copyMissing } from '../../../bench/twin-sync';
import type { AdmitRequest } from '../../../shared/controls/ledger/control-ledger';
import { createControlLedger, createLedgerCache } from '../../../shared/controls/ledger/create-control-ledger';
import { NO_LIMITS } from '../../../shared/controls/robot-controls';
import { createMemoryAppendLog } from '../../../shared/storage/memory/memory-append-log';

/** 2026-12-03 12:00 in Beijing: the 1st and 2nd of the month are earlier days the ledger walks back through. */
const NOON = Date.UTC(2026, 11, 3, 4, 0, 0);
const DAY = 24 * 3_600_000;
const KEY = 'dingtalk-llm/controls/dingtalk/usage/2026-12-03.jsonl';

const request = (id: string, at: number): AdmitRequest => ({
  id, subject: { user: 'u1', userName: '张三' }, at, estimate: { tokens: 100, calls: 3 }, limits: { user: NO_LIMITS, group: NO_LIMITS },
});

/** What earlier parts of a bench run leave in the worker's bucket: two days of admissions and an admin change. */
async function earlierRun(prefix: string) {
  const memory = createMemoryAppendLog();
  const ledger = () => createControlLedger({ log: memory.log, prefix, robot: 'dingtalk', cache: createLedgerCache() });
  await ledger().admit(request('m1', NOON - DAY));
  await ledger().admit(request('m2', NOON));
  await ledger().recordAdmin({ by: 'admin1', at: NOON + 1, change: { kind: 'block', user: 'u9' } });
  return memory;
}

describe('the twin bucket of the worker floor', () => {
  it.each([
    ['the default prefix', {}, 'dingtalk-llm/controls/'],
    ['CONTROLS_PREFIX', { CONTROLS_PREFIX: 'bench/ctl/' }, 'bench/ctl/'],
  ])('holds every ledger object the worker wrote this month, byte for byte (%s)', async (_, env: Record<string, string>, prefix) => {
    // Prepare
    const original = await earlierRun(prefix);
    const twin = createMemoryAppendLog();

    // Act
    await copyLedger(original.log, twin.log, env, NOON + 2);

    // Assess
    expect(original.objects.size).toBe(3);
    expect(new Map(twin.objects)).toEqual(new Map(original.objects));
  });

  it('lets a replayed append land at the position the worker appended at', async () => {
    // Prepare
    const original = await earlierRun('dingtalk-llm/controls/');
    const twin = createMemoryAppendLog();
    await copyLedger(original.log, twin.log, {}, NOON + 2);
    const position = original.objects.get(KEY)?.length ?? -1;

    // Act
    await original.log.append(KEY, position, '{"t":"told","u":"u1","at":1}\n');
    const replayed = twin.log.append(KEY, position, '{"t":"told","u":"u1","at":1}\n');

    // Assess
    await expect(replayed).resolves.toBe(original.objects.get(KEY)?.length);
  });

  it('appends only the bytes the twin lacks when it holds the start of the object', async () => {
    // Prepare
    const original = createMemoryAppendLog();
    const twin = createMemoryAppendLog();
    await original.log.append(KEY, 0, '{"a":1}\n');
    await twin.log.append(KEY, 0, '{"a":1}\n');
    await original.log.append(KEY, 8, '{"b":"二"}\n');

    // Act
    await copyMissing(original.log, twin.log, KEY);

    // Assess
    expect(twin.text(KEY)).toBe('{"a":1}\n{"b":"二"}\n');
  });

  it('refuses a twin whose object went apart from the original, rather than measure a floor on other bytes', async () => {
    // Prepare
    const original = createMemoryAppendLog();
    const twin = createMemoryAppendLog();
    await original.log.append(KEY, 0, '{"a":1}\n');
    await twin.log.append(KEY, 0, '{"a":2}\n');

    // Act
    const copied = copyMissing(original.log, twin.log, KEY);

    // Assess
    await expect(copied).rejects.toThrow(/went apart/);
  });
});
