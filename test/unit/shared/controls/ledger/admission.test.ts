import { decideAdmission } from '../../../../../shared/controls/ledger/admission';
import type { ControlState, SubjectUsage } from '../../../../../shared/controls/ledger/control-ledger';
import { NO_LIMITS } from '../../../../../shared/controls/robot-controls';

const NOON = Date.UTC(2026, 11, 2, 4, 0, 0);
const usage = (over: Partial<SubjectUsage> = {}): SubjectUsage => ({ messagesToday: 0, tokensToday: 0, tokensMonth: 0, recent: [], ...over });

function state(over: Partial<ControlState> = {}): ControlState {
  return {
    day: '2026-12-02', month: '2026-12', users: new Map(), groups: new Map(), calls: { day: 0, month: 0 }, recentTurns: [], forcedStep: undefined,
    blocked: new Set(), quotas: { user: new Map(), group: new Map() }, recentAdmin: [], readAt: NOON, ...over,
  };
}

describe('decideAdmission', () => {
  const subject = { user: 'u1', group: 'g1' };

  it('admits with no limits, and refuses a blocked user whatever the limits', () => {
    const limits = { user: NO_LIMITS, group: NO_LIMITS };
    expect(decideAdmission(state(), subject, limits, NOON)).toBeUndefined();
    expect(decideAdmission(state({ blocked: new Set(['u1']) }), subject, limits, NOON)).toEqual({ admitted: false, reason: 'blocked' });
  });

  it('frees the rate limit when the admission that keeps the minute full leaves it', () => {
    const recent = [NOON - 50_000, NOON - 40_000, NOON - 30_000];
    const users = new Map([['u1', usage({ recent })]]);
    const limits = { user: { ...NO_LIMITS, messagesPerMinute: 2 }, group: NO_LIMITS };

    expect(decideAdmission(state({ users }), subject, limits, NOON)).toEqual({
      admitted: false, reason: 'limit', limit: 'user.messagesPerMinute', value: 2, resetsAt: NOON - 40_000 + 60_000,
    });
    expect(decideAdmission(state({ users }), subject, limits, NOON + 20_001)).toBeUndefined();
  });

  it('names the limit that frees latest when several are reached', () => {
    const users = new Map([['u1', usage({ tokensToday: 500, tokensMonth: 900 })]]);
    const limits = { user: { ...NO_LIMITS, tokensPerDay: 500, tokensPerMonth: 900 }, group: NO_LIMITS };

    expect(decideAdmission(state({ users }), subject, limits, NOON)).toMatchObject({ limit: 'user.tokensPerMonth', resetsAt: Date.UTC(2026, 11, 31, 16) });
  });

  it('applies the admins\' quota over the controls file\'s, for the user and the group', () => {
    const users = new Map([['u1', usage({ tokensToday: 50 })]]);
    const groups = new Map([['g1', usage({ tokensMonth: 70 })]]);
    const limits = { user: { ...NO_LIMITS, tokensPerDay: 1_000 }, group: NO_LIMITS };
    const quotas = { user: new Map([['u1', { tokensPerDay: 60 }]]), group: new Map([['g1', { tokensPerMonth: 70 }]]) };

    expect(decideAdmission(state({ users, groups }), subject, limits, NOON)).toBeUndefined();
    expect(decideAdmission(state({ users, groups, quotas }), subject, limits, NOON)).toMatchObject({ limit: 'group.tokensPerMonth', value: 70 });
    expect(decideAdmission(state({ users, groups, quotas }), { user: 'u1' }, limits, NOON)).toBeUndefined();
  });
});
