import { startCardStream } from '../../../../../shared/cards/card-stream';
import { cardCadence, estimatedCardCalls, pacedIntervalMs } from '../../../../../shared/controls/budget/card-cadence';
import { CARD_STEPS } from '../../../../../shared/controls/budget/card-step';
import { silentLogger } from '../../../../../shared/logging/logger';

const BASE = { minIntervalMs: 1000, minGrowthChars: 50 };
const NOW = 1_800_000_000_000;
const QUIET = { recentTurns: [NOW], qps: 20, now: NOW };

describe('cardCadence', () => {
  it('streams with the configured throttle, four times slower at fewer, only the final text at final-only', () => {
    expect(cardCadence('normal', BASE, QUIET)).toEqual({ mode: 'stream', minIntervalMs: 1000, minGrowthChars: 50 });
    expect(cardCadence('fewer', BASE, QUIET)).toEqual({ mode: 'stream', minIntervalMs: 4000, minGrowthChars: 200 });
    expect(cardCadence('final-only', BASE, QUIET).mode).toBe('final-only');
    expect(cardCadence('markdown', BASE, QUIET).mode).toBe('none');
  });

  it('paces the interval so that every card streaming now stays under half the tenant QPS', () => {
    // 30 turns in the last 30 s, each sending one update per interval: 30 / I ≤ 10 a second, so I ≥ 3 s.
    const busy = { recentTurns: Array.from({ length: 30 }, (_, n) => NOW - n * 900), qps: 20, now: NOW };
    expect(cardCadence('normal', BASE, busy).minIntervalMs).toBe(3000);
    // At 'fewer' the step's own 4 s is already slower.
    expect(cardCadence('fewer', BASE, busy).minIntervalMs).toBe(4000);
  });

  it('counts only the turns of the last 30 s, and this turn at least', () => {
    const old = Array.from({ length: 40 }, (_, n) => NOW - 30_000 - n);
    expect(pacedIntervalMs({ recentTurns: old, qps: 20, now: NOW })).toBe(100);
    expect(pacedIntervalMs({ recentTurns: [], qps: 2, now: NOW })).toBe(1000);
    expect(pacedIntervalMs({ recentTurns: [NOW], qps: 0, now: NOW })).toBe(0);
  });
});

describe('estimatedCardCalls', () => {
  it('expects fewer calls at each step than at the one before, 2 at final-only and none with markdown', () => {
    const calls = CARD_STEPS.map((step) => estimatedCardCalls(step, cardCadence(step, BASE, QUIET)));
    expect(calls.at(-2)).toBe(2);
    expect(calls.at(-1)).toBe(0);
    for (let index = 1; index < calls.length; index += 1) expect(calls[index]).toBeLessThan(calls[index - 1] ?? 0);
  });

  it('grows with a slower model: the card is updated once per interval for longer', () => {
    const cadence = cardCadence('normal', BASE, QUIET);
    const fast = estimatedCardCalls('normal', cadence, { chars: 1000, charsPerSecond: 300 });
    const slow = estimatedCardCalls('normal', cadence, { chars: 1000, charsPerSecond: 50 });
    expect(fast).toBe(7);
    expect(slow).toBe(24);
  });
});

describe('the card calls a 1,000-character answer costs at each step, through the card stream', () => {
  beforeEach(() => jest.useFakeTimers({ now: NOW }));
  afterEach(() => jest.useRealTimers());

  /** Streams the answer at 30 characters per 100 ms and counts every card call. */
  async function cardCalls(step: (typeof CARD_STEPS)[number]): Promise<number> {
    const cadence = cardCadence(step, BASE, { recentTurns: [Date.now()], qps: 20, now: Date.now() });
    if (cadence.mode === 'none') return 0;
    let calls = 0;
    const count = async (): Promise<void> => {
      calls += 1;
    };
    const stream = startCardStream({
      cards: { create: count, stream: count, finish: count },
      outTrackIdBase: 'track',
      resume: false,
      ...cadence,
      maxCardChars: 3000,
      placeholder: '思考中…',
      fallbackNote: '卡片出错了',
      logger: silentLogger,
      now: () => Date.now(),
    });
    await stream.open();
    const answer = '流'.repeat(1000);
    for (let at = 30; at < 1030; at += 30) {
      await jest.advanceTimersByTimeAsync(100);
      stream.update(answer.slice(0, at));
    }
    await stream.finish(answer);
    return calls;
  }

  it('costs fewer calls at each step than at the one before: final-only 2, markdown none', async () => {
    const calls: number[] = [];
    for (const step of CARD_STEPS) calls.push(await cardCalls(step));
    expect(calls.slice(2)).toEqual([2, 0]);
    for (let index = 1; index < calls.length; index += 1) expect(calls[index]).toBeLessThan(calls[index - 1] ?? 0);
    // What the ledger reserves for the typical answer is what it costs.
    expect(calls[0]).toBe(estimatedCardCalls('normal', cardCadence('normal', BASE, QUIET)));
  });
});
