import { accessRefusal, limitRefusal, usageReport } from '../../../../../shared/controls/admin/control-texts';
import { UNLIMITED } from '../../../../../shared/controls/admin/quota-values';
import type { LimitSettings } from '../../../../../shared/controls/robot-controls';
import { controlState } from '../../../../helpers/control-state';

const utc = (iso: string): number => Date.parse(iso);

describe('accessRefusal', () => {
  it('is polite, points to the admins, and never names a list or an id', () => {
    // Act
    const texts = (['denied-user', 'not-allowed-user', 'denied-group', 'not-allowed-group', 'blocked'] as const).map(accessRefusal);
    // Assess
    for (const text of texts) {
      expect(text).toMatch(/^抱歉，.*联系管理员。$/);
      expect(text).not.toMatch(/名单|deny|allow|u\d/);
    }
    expect(accessRefusal('denied-user')).toBe(accessRefusal('not-allowed-user'));
    expect(accessRefusal('denied-group')).toContain('本群');
  });
});

describe('limitRefusal', () => {
  it('names the minute limit and the second it frees, in Beijing time', () => {
    // Act
    const text = limitRefusal('user.messagesPerMinute', 10, utc('2026-12-02T06:03:20Z'));
    // Assess
    expect(text).toBe('你本分钟的消息已达上限（每分钟 10 条），请在 14:03:20（北京时间）后再试。');
  });

  it('names the daily and monthly token limits of the user and of the group, with the Beijing reset', () => {
    // Act / Assess
    expect(limitRefusal('user.tokensPerDay', 100_000, utc('2026-12-02T16:00:00Z'))).toBe(
      '你今天的用量已达上限（每日 100,000 tokens），将在 2026-12-03 00:00（北京时间）恢复。',
    );
    expect(limitRefusal('user.tokensPerMonth', 2_000_000, utc('2026-12-31T16:00:00Z'))).toBe(
      '你本月的用量已达上限（每月 2,000,000 tokens），将在 2027-01-01 00:00（北京时间）恢复。',
    );
    expect(limitRefusal('group.tokensPerDay', 500_000, utc('2026-12-02T16:00:00Z'))).toMatch(/^本群今天的用量已达上限（每日 500,000 tokens）/);
    expect(limitRefusal('group.tokensPerMonth', 1_000, utc('2026-12-31T16:00:00Z'))).toMatch(/^本群本月的用量已达上限（每月 1,000 tokens），将在 2027-01-01 00:00/);
  });
});

describe('usageReport', () => {
  const limits: LimitSettings = {
    user: { messagesPerMinute: 10, tokensPerDay: 100_000, tokensPerMonth: undefined },
    group: { messagesPerMinute: undefined, tokensPerDay: undefined, tokensPerMonth: 1_000_000 },
  };

  it('shows what the user has left and when each count starts again, just before Beijing midnight at the month end', () => {
    // Arrange: 23:59:30 on 31 December in Beijing; three messages in the last minute, one older than a minute.
    const now = utc('2026-12-31T15:59:30Z');
    const recent = [now - 70_000, now - 50_000, now - 20_000, now - 5_000];
    const state = controlState({ day: '2026-12-31', users: { u1: { tokensToday: 30_000, tokensMonth: 456_789, recent } } });
    // Act
    const lines = usageReport(state, { user: 'u1' }, limits, now);
    // Assess
    expect(lines).toEqual([
      '**你的额度**',
      '- 本分钟消息：剩余 7 / 10 条，23:59:40（北京时间）起恢复 1 条',
      '- 今日 tokens：剩余 70,000 / 100,000，2027-01-01 00:00（北京时间）重置',
      '- 本月 tokens：不限（已用 456,789）',
    ]);
  });

  it('adds the group in a group, and applies the admins’ quota changes over the file’s limits', () => {
    // Arrange
    const now = utc('2026-12-02T06:00:00Z');
    const state = controlState({
      users: { u1: { tokensToday: 150_000 } },
      groups: { g1: { tokensToday: 5_000, tokensMonth: 990_000 } },
      quotas: { user: { u1: { tokensPerDay: 120_000, messagesPerMinute: UNLIMITED } } },
    });
    // Act
    const lines = usageReport(state, { user: 'u1', group: 'g1' }, limits, now);
    // Assess
    expect(lines).toEqual([
      '**你的额度**',
      '- 本分钟消息：不限',
      '- 今日 tokens：剩余 0 / 120,000，2026-12-03 00:00（北京时间）重置',
      '- 本月 tokens：不限（已用 0）',
      '',
      '**本群额度**（全体成员共用）',
      '- 今日 tokens：不限（已用 5,000）',
      '- 本月 tokens：剩余 10,000 / 1,000,000，2027-01-01 00:00（北京时间）重置',
    ]);
  });

  it('does not count the last day’s or month’s tokens when the view was read before Beijing midnight on the 1st', () => {
    // Arrange: the view is of 31 December; it is now 00:00:10 on 1 January in Beijing.
    const state = controlState({ day: '2026-12-31', month: '2026-12', users: { u1: { tokensToday: 100_000, tokensMonth: 9_999 } } });
    const now = utc('2026-12-31T16:00:10Z');
    // Act
    const lines = usageReport(state, { user: 'u1' }, limits, now);
    // Assess
    expect(lines[2]).toBe('- 今日 tokens：剩余 100,000 / 100,000，2027-01-02 00:00（北京时间）重置');
    expect(lines[3]).toBe('- 本月 tokens：不限（已用 0）');
  });

  it('counts a user the ledger has not seen as having used nothing', () => {
    // Act
    const lines = usageReport(controlState(), { user: 'new' }, limits, utc('2026-12-02T06:00:00Z'));
    // Assess
    expect(lines[1]).toBe('- 本分钟消息：剩余 10 / 10 条');
    expect(lines[2]).toBe('- 今日 tokens：剩余 100,000 / 100,000，2026-12-03 00:00（北京时间）重置');
  });
});
