import {
  beijingClock, beijingDay, beijingMonth, dayStart, earlierDaysOfMonth, elapsedFractionOfMonth, monthStart, nextMidnight, nextMonthStart,
} from '../../../../../shared/controls/ledger/beijing-time';

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
    expect(beijingClock(MIDNIGHT + 90 * 60_000)).toBe('2026-12-02 01:30');
  });
});
