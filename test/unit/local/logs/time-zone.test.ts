import { clockTime, timeZoneLabel } from '../../../../local/logs/time-zone';

describe('timeZoneLabel', () => {
  const winter = Date.parse('2026-01-15T12:00:00Z');
  const summer = Date.parse('2026-07-15T12:00:00Z');

  it.each([
    ['Asia/Shanghai', winter, 'UTC+8'],
    ['UTC', winter, 'UTC'],
    ['Europe/London', winter, 'UTC'],
    ['Asia/Kolkata', winter, 'UTC+5:30'],
    ['America/St_Johns', winter, 'UTC-3:30'],
    ['America/New_York', winter, 'UTC-5'],
    ['America/New_York', summer, 'UTC-4'],
    ['Asia/Kathmandu', summer, 'UTC+5:45'],
  ])('labels %s at %d as %s', (zone, at, label) => {
    // Act / Assess
    expect(timeZoneLabel(zone, at)).toBe(label);
  });

  it('labels the machine’s own zone when given none', () => {
    // Act
    const label = timeZoneLabel();
    // Assess
    expect(label).toMatch(/^UTC([+-]\d{1,2}(:\d{2})?)?$/);
    expect(label).toBe(timeZoneLabel(Intl.DateTimeFormat().resolvedOptions().timeZone));
  });

  it('refuses a zone that does not exist instead of labelling it UTC', () => {
    // Act / Assess
    expect(() => timeZoneLabel('Mars/Olympus')).toThrow(RangeError);
  });
});

describe('clockTime', () => {
  it('shows the time of day in the zone, 24-hour, with milliseconds', () => {
    // Arrange
    const at = Date.parse('2026-12-02T10:03:04.123Z');
    // Act / Assess
    expect(clockTime(at, 'Asia/Shanghai')).toBe('18:03:04.123');
    expect(clockTime(at, 'UTC')).toBe('10:03:04.123');
    expect(clockTime(Date.parse('2026-12-02T16:00:00.007Z'), 'Asia/Shanghai')).toBe('00:00:00.007');
  });
});
