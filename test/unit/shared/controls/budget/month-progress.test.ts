import { beijingMonthOf, monthElapsed } from '../../../../../shared/controls/budget/month-progress';

describe('beijingMonthOf', () => {
  it('starts the month at Beijing midnight, 16:00 UTC the day before', () => {
    expect(beijingMonthOf(Date.parse('2026-11-30T15:59:59.999Z')).month).toBe('2026-11');
    const december = beijingMonthOf(Date.parse('2026-11-30T16:00:00Z'));
    expect(december.month).toBe('2026-12');
    expect(new Date(december.start).toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(new Date(december.end).toISOString()).toBe('2026-12-31T16:00:00.000Z');
  });

  it('turns the year, and knows February of a leap year', () => {
    expect(beijingMonthOf(Date.parse('2026-12-31T16:00:00Z')).month).toBe('2027-01');
    const february = beijingMonthOf(Date.parse('2028-02-15T00:00:00Z'));
    expect((february.end - february.start) / 86_400_000).toBe(29);
  });
});

describe('monthElapsed', () => {
  it('is 0 at the first Beijing midnight and one half in the middle of a 30-day month', () => {
    expect(monthElapsed(Date.parse('2026-10-31T16:00:00Z'))).toBe(0);
    expect(monthElapsed(Date.parse('2026-11-15T16:00:00Z'))).toBe(0.5);
  });
});
