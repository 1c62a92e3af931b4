import { carryOf, emptyDay, foldLine, type DayFold } from '../../../../../shared/controls/ledger/ledger-fold';
import { createLineReader } from '../../../../../shared/controls/ledger/ledger-lines';
import { DayLineSchema } from '../../../../../shared/controls/ledger/ledger-records';

const NOON = Date.UTC(2026, 11, 2, 4, 0, 0);
const line = (value: object): string => `${JSON.stringify(value)}\n`;
const admit = (id: string, u: string, at: number, extra: object = {}) => line({ t: 'admit', id, u, at, est: { tokens: 100, calls: 2 }, ...extra });

const DAY_TEXT = [
  line({ t: 'open', day: '2026-12-02', at: NOON - 3_600_000, users: { u1: { n: '张三', tokens: 1_000 } }, groups: { g1: { tokens: 5_000 } }, calls: 40 }),
  admit('m1', 'u1', NOON, { g: 'g1', n: '张三丰' }),
  admit('m2', 'u2', NOON + 1, { settle: [{ id: 'm1', tokens: 30, calls: 1 }] }),
  admit('m1', 'u1', NOON + 2),
  '{"t":"admit","id":"torn","u":"u1"\n',
  line({ t: 'told', u: 'u3', at: NOON + 3, settle: [{ id: 'm1', tokens: 999, calls: 9 }, { id: 'other-day', tokens: 1, calls: 1 }] }),
  line({ t: 'open', day: '2026-12-02', at: NOON, users: {}, groups: {}, calls: 0 }),
  line({ t: 'limit', kind: 'qps-limit', at: NOON + 4 }),
  line({ t: 'admin', at: NOON + 5, pos: 321 }),
].join('');

/** The fold of `text` fed to a line reader in pieces cut at `cuts` (byte offsets). */
function foldInPieces(text: string, cuts: number[]): DayFold {
  const bytes = Buffer.from(text);
  const reader = createLineReader(DayLineSchema);
  const fold = emptyDay();
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    for (const read of reader.feed(bytes.subarray(from, cut))) foldLine(fold, read);
    from = cut;
  }
  return fold;
}

describe('the day fold', () => {
  it('counts admissions over the carried month, once per id, corrected once by their settlement', () => {
    const fold = foldInPieces(DAY_TEXT, []);

    expect(fold.users.get('u1')).toMatchObject({ name: '张三丰', messagesToday: 1, tokensToday: 30, tokensMonth: 1_030, times: [NOON] });
    expect(fold.users.get('u2')).toMatchObject({ messagesToday: 1, tokensToday: 100, tokensMonth: 100 });
    expect(fold.groups.get('g1')).toMatchObject({ tokensToday: 30, tokensMonth: 5_030 });
    expect(fold.calls).toEqual({ day: 3, month: 43 });
    expect([...fold.told.keys()]).toEqual(['u3']);
    expect(fold.forced).toMatchObject({ step: 'fewer', reason: 'qps-limit' });
    expect(fold.adminPos).toBe(321);
  });

  it('gives the same fold however the bytes arrive, cut anywhere, even inside a character', () => {
    const whole = foldInPieces(DAY_TEXT, []);
    const length = Buffer.byteLength(DAY_TEXT);

    for (let cut = 1; cut < length; cut += 7) {
      expect(foldInPieces(DAY_TEXT, [cut, Math.min(length, cut + 13)])).toEqual(whole);
    }
  });

  it('carries the month, names, a step still forced and how far admin.jsonl was announced to the next day', () => {
    const fold = foldInPieces(DAY_TEXT, []);

    expect(carryOf(fold, '2026-12-03', NOON + 60_000)).toEqual({
      t: 'open', day: '2026-12-03', at: NOON + 60_000,
      users: { u1: { n: '张三丰', tokens: 1_030 }, u2: { tokens: 100, r: [NOON + 1] } },
      groups: { g1: { tokens: 5_030 } },
      calls: 43,
      forced: { step: 'fewer', reason: 'qps-limit', at: NOON + 4, until: NOON + 4 + 600_000 },
      admin: 321,
    });
    expect(carryOf(fold, '2026-12-03', NOON + 700_000).forced).toBeUndefined();
  });
});
