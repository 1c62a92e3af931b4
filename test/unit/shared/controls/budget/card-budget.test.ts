import { cardStepFor, oneBelow } from '../../../../../shared/controls/budget/card-budget';
import type { ControlState } from '../../../../../shared/controls/ledger/control-ledger';
import type { ApiBudgetSettings } from '../../../../../shared/controls/robot-controls';

const BUDGET: ApiBudgetSettings = { monthlyCalls: 10_000, qps: 20 };
/** Beijing 2026-12-16 00:00, the middle of a 31-day month is 12 hours later: 15.5 of 31 days. */
const MID_DECEMBER = Date.parse('2026-12-16T04:00:00Z');

function state(month: number, overrides: Partial<ControlState> = {}): ControlState {
  return {
    day: '2026-12-16',
    month: '2026-12',
    users: new Map(),
    groups: new Map(),
    calls: { day: 0, month },
    recentTurns: [],
    forcedStep: undefined,
    blocked: new Set(),
    quotas: { user: new Map(), group: new Map() },
    recentAdmin: [],
    readAt: MID_DECEMBER,
    ...overrides,
  };
}

describe('cardStepFor', () => {
  it('steps down at 60 %, 85 % and 97 % of the month used (late in the month, so the forecast stays under)', () => {
    const late = Date.parse('2026-12-31T12:00:00Z');
    const step = (used: number) => cardStepFor(state(used), BUDGET, late);
    expect(step(5_999)).toEqual({ step: 'normal', reason: undefined, used: 5_999, forecast: expect.any(Number) });
    expect(step(6_000)).toMatchObject({ step: 'fewer', reason: 'budget' });
    expect(step(8_499).step).toBe('fewer');
    expect(step(8_500).step).toBe('final-only');
    expect(step(9_699).step).toBe('final-only');
    expect(step(9_700)).toMatchObject({ step: 'markdown', reason: 'budget' });
  });

  it('goes one step lower when the month is on course to pass its quota', () => {
    // 5,500 calls in half the month: 11,000 by its end.
    const decision = cardStepFor(state(5_500), BUDGET, MID_DECEMBER);
    expect(decision).toEqual({ step: 'fewer', reason: 'forecast', used: 5_500, forecast: 11_000 });
    expect(cardStepFor(state(4_900), BUDGET, MID_DECEMBER)).toMatchObject({ step: 'normal', forecast: 9_800 });
    expect(cardStepFor(state(8_600), BUDGET, MID_DECEMBER)).toMatchObject({ step: 'markdown', reason: 'forecast' });
  });

  it('does not extrapolate the first hours of a month to a huge forecast', () => {
    // 200 calls by 01:00 on the 1st would be 148,800 at that pace; over a whole first day, 6,200.
    const decision = cardStepFor(state(200), BUDGET, Date.parse('2026-11-30T17:00:00Z'));
    expect(decision).toMatchObject({ step: 'normal', forecast: 6_200 });
  });

  it('counts none of last month\'s calls once the Beijing month has turned', () => {
    const decision = cardStepFor(state(9_900, { month: '2026-11' }), BUDGET, Date.parse('2026-11-30T16:30:00Z'));
    expect(decision).toEqual({ step: 'normal', reason: undefined, used: 0, forecast: 0 });
  });

  it('moves one step below the counts for a QpsLimit until it expires', () => {
    const at = MID_DECEMBER - 60_000;
    const qps = { step: 'fewer' as const, reason: 'qps-limit' as const, at, until: at + 10 * 60_000 };
    expect(cardStepFor(state(100, { forcedStep: qps }), BUDGET, MID_DECEMBER)).toMatchObject({ step: 'fewer', reason: 'qps-limit' });
    // 70 % used says 'fewer'; the limit one below that. With the forecast over the quota too, two below.
    const late = { forcedStep: { ...qps, at: Date.parse('2026-12-31T12:00:00Z'), until: Date.parse('2026-12-31T12:10:00Z') } };
    expect(cardStepFor(state(7_000, late), BUDGET, Date.parse('2026-12-31T12:01:00Z')).step).toBe('final-only');
    expect(cardStepFor(state(7_000, { forcedStep: qps }), BUDGET, MID_DECEMBER)).toMatchObject({ step: 'markdown', reason: 'qps-limit' });
    expect(cardStepFor(state(100, { forcedStep: qps }), BUDGET, at + 10 * 60_000)).toMatchObject({ step: 'normal', reason: undefined });
  });

  it('holds a QpsLimit without an end for ten minutes', () => {
    const qps = { step: 'fewer' as const, reason: 'qps-limit' as const, at: MID_DECEMBER, until: undefined };
    expect(cardStepFor(state(100, { forcedStep: qps }), BUDGET, MID_DECEMBER + 9 * 60_000).step).toBe('fewer');
    expect(cardStepFor(state(100, { forcedStep: qps }), BUDGET, MID_DECEMBER + 10 * 60_000).step).toBe('normal');
  });

  it('answers with markdown after a 90020 until the month ends, whatever the counts say', () => {
    const exhausted = { step: 'markdown' as const, reason: 'quota-exhausted' as const, at: MID_DECEMBER, until: undefined };
    expect(cardStepFor(state(100, { forcedStep: exhausted }), BUDGET, MID_DECEMBER + 1)).toMatchObject({
      step: 'markdown',
      reason: 'quota-exhausted',
    });
    const january = Date.parse('2026-12-31T16:00:00Z');
    expect(cardStepFor(state(0, { month: '2027-01', forcedStep: exhausted }), BUDGET, january).step).toBe('normal');
  });
});

describe('oneBelow', () => {
  it('goes one step down and stays at markdown', () => {
    expect(['normal', 'fewer', 'final-only', 'markdown'].map((step) => oneBelow(step as never))).toEqual([
      'fewer',
      'final-only',
      'markdown',
      'markdown',
    ]);
  });
});
