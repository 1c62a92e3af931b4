import {
  formatBeijing, formatBeijingClock, beijingDay, beijingMonth, dayStart, earlierDaysOfMonth, elapsedFractionOfMonth, monthStart, nextMidnight, nextMonthStart,
} from '../../../../shared/controls/beijing-time';

/** 00:00 on 2 December 2026 in Beijing is 16:00 UTC on 1 December. */
const MIDNIGHT = Date.UTC(2026, 11, 1, 16, 0, 0);

describe('Beijing time', () => {
  it('changes the day at Beijing midnight, not at UTC midnight', () => {
    expect(beijingDay(MIDNIGHT - 1)).toBe('2026-12-01');
    expect(beijingDay(MIDNIGHT)).toBe('2026-12-02');
    expect(beijingDay(Date.UTC(2026, 11, 2, 0, 0, 0))).toBe('2026-12-02');
    expect(dayStart(MIDNIGHT + 5 * 3_600_000)).toBe(MIDNIGHT);
    expect(nextMidnight(MIDNIGHT - 1)).toBe(MIDNIGHT);
    expect(nextMidnight(MIDNIGHT)).toBe(MIDNIGHT + 86_400_000);
  });

  it('changes the month at 00:00 Beijing on the 1st, across years and February of a leap year', () => {
    const newYear = Date.UTC(2026, 11, 31, 16, 0, 0);
    expect(beijingMonth(newYear - 1)).toBe('2026-12');
    expect(beijingMonth(newYear)).toBe('2027-01');
    expect(nextMonthStart(newYear - 1)).toBe(newYear);
    expect(monthStart(newYear + 1)).toBe(newYear);
    expect(nextMonthStart(Date.UTC(2028, 1, 10))).toBe(Date.UTC(2028, 1, 29, 16, 0, 0));
    expect(beijingDay(Date.UTC(2028, 1, 28, 16, 0, 0))).toBe('2028-02-29');
  });

  it('agrees with the time-zone database for Asia/Shanghai', () => {
    const format = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
    for (let at = Date.UTC(2024, 0, 1); at < Date.UTC(2029, 0, 1); at += 7 * 3_600_000 + 12_345) {
      expect({ at, day: beijingDay(at) }).toEqual({ at, day: format.format(at) });
    }
  });

  it('tells how much of the month has passed', () => {
    const december = Date.UTC(2026, 10, 30, 16, 0, 0);
    expect(elapsedFractionOfMonth(december)).toBe(0);
    expect(elapsedFractionOfMonth(december + 15.5 * 86_400_000)).toBeCloseTo(0.5, 10);
    expect(elapsedFractionOfMonth(nextMonthStart(december) - 1)).toBeLessThan(1);
  });

  it('lists the earlier days of the month, newest first, and none on the 1st', () => {
    expect(earlierDaysOfMonth(Date.UTC(2026, 11, 3, 4))).toEqual(['2026-12-02', '2026-12-01']);
    expect(earlierDaysOfMonth(MIDNIGHT - 86_400_000)).toEqual([]);
  });

  it('writes a Beijing wall-clock time for texts', () => {
    expect(formatBeijing(MIDNIGHT + 90 * 60_000)).toBe('2026-12-02 01:30');
  });
});


const utc = (iso: string): number => Date.parse(iso);

describe('Beijing time in texts', () => {
  it('shows the Beijing wall clock, eight hours ahead of UTC, all year (no daylight saving)', () => {
    // Act / Assess
    expect(formatBeijing(utc('2026-12-02T06:03:20Z'))).toBe('2026-12-02 14:03');
    expect(formatBeijingClock(utc('2026-12-02T06:03:20Z'))).toBe('14:03:20');
    expect(formatBeijing(utc('2026-07-01T16:00:00Z'))).toBe('2026-07-02 00:00');
    expect(beijingDay(utc('2026-12-02T20:00:00Z'))).toBe('2026-12-03');
  });

  it('starts the next day at Beijing midnight, which is 16:00 UTC', () => {
    // Act / Assess
    expect(nextMidnight(utc('2026-12-02T06:00:00Z'))).toBe(utc('2026-12-02T16:00:00Z'));
    expect(nextMidnight(utc('2026-12-02T16:00:00Z'))).toBe(utc('2026-12-03T16:00:00Z'));
    expect(nextMidnight(utc('2026-12-02T15:59:59.999Z'))).toBe(utc('2026-12-02T16:00:00Z'));
  });

  it('starts the next month at the Beijing first, across the year end and a leap February', () => {
    // Act / Assess
    expect(nextMonthStart(utc('2026-12-31T15:59:59Z'))).toBe(utc('2026-12-31T16:00:00Z'));
    expect(nextMonthStart(utc('2026-12-31T16:00:00Z'))).toBe(utc('2027-01-31T16:00:00Z'));
    expect(nextMonthStart(utc('2028-02-28T16:30:00Z'))).toBe(utc('2028-02-29T16:00:00Z'));
    // 1 November 02:00 in Beijing is still 31 October in UTC.
    expect(nextMonthStart(utc('2026-10-31T18:00:00Z'))).toBe(utc('2026-11-30T16:00:00Z'));
  });
});
