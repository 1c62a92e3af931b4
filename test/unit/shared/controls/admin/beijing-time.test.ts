import {
  beijingDay, formatBeijing, formatBeijingClock, nextBeijingMidnight, nextBeijingMonthStart,
} from '../../../../../shared/controls/admin/beijing-time';

const utc = (iso: string): number => Date.parse(iso);

describe('Beijing time', () => {
  it('shows the Beijing wall clock, eight hours ahead of UTC, all year (no daylight saving)', () => {
    // Act / Assess
    expect(formatBeijing(utc('2026-12-02T06:03:20Z'))).toBe('2026-12-02 14:03');
    expect(formatBeijingClock(utc('2026-12-02T06:03:20Z'))).toBe('14:03:20');
    expect(formatBeijing(utc('2026-07-01T16:00:00Z'))).toBe('2026-07-02 00:00');
    expect(beijingDay(utc('2026-12-02T20:00:00Z'))).toBe('2026-12-03');
  });

  it('starts the next day at Beijing midnight, which is 16:00 UTC', () => {
    // Act / Assess
    expect(nextBeijingMidnight(utc('2026-12-02T06:00:00Z'))).toBe(utc('2026-12-02T16:00:00Z'));
    expect(nextBeijingMidnight(utc('2026-12-02T16:00:00Z'))).toBe(utc('2026-12-03T16:00:00Z'));
    expect(nextBeijingMidnight(utc('2026-12-02T15:59:59.999Z'))).toBe(utc('2026-12-02T16:00:00Z'));
  });

  it('starts the next month at the Beijing first, across the year end and a leap February', () => {
    // Act / Assess
    expect(nextBeijingMonthStart(utc('2026-12-31T15:59:59Z'))).toBe(utc('2026-12-31T16:00:00Z'));
    expect(nextBeijingMonthStart(utc('2026-12-31T16:00:00Z'))).toBe(utc('2027-01-31T16:00:00Z'));
    expect(nextBeijingMonthStart(utc('2028-02-28T16:30:00Z'))).toBe(utc('2028-02-29T16:00:00Z'));
    // 1 November 02:00 in Beijing is still 31 October in UTC.
    expect(nextBeijingMonthStart(utc('2026-10-31T18:00:00Z'))).toBe(utc('2026-11-30T16:00:00Z'));
  });
});
