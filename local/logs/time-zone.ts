/**
 * Times printed locally are in the machine's zone (or the one given), and always say which zone that is: a bare
 * "18:03" in a terminal next to the robot's 北京时间 texts and the functions' UTC timestamps would be ambiguous.
 */
const offsetFormats = new Map<string, Intl.DateTimeFormat>();
const clockFormats = new Map<string, Intl.DateTimeFormat>();

const cached = (cache: Map<string, Intl.DateTimeFormat>, timeZone: string | undefined, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat => {
  const key = timeZone ?? '';
  let format = cache.get(key);
  if (format === undefined) {
    format = make();
    cache.set(key, format);
  }
  return format;
};

/**
 * 'UTC+8', 'UTC', 'UTC-5:30': the zone's offset from UTC at the instant `at` (now by default), as the zone may
 * observe daylight saving time. No zone: the machine's (TZ, else the system setting). An unknown zone throws RangeError.
 */
export function timeZoneLabel(timeZone?: string, at: number = Date.now()): string {
  const format = cached(offsetFormats, timeZone, () => new Intl.DateTimeFormat('en-US', { timeZoneName: 'longOffset', ...(timeZone ? { timeZone } : {}) }));
  const name = format.formatToParts(at).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const offset = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
  if (offset === null) return 'UTC';
  const [, sign = '+', hours = '00', minutes = '00'] = offset;
  if (hours === '00' && minutes === '00') return 'UTC';
  return `UTC${sign}${Number(hours)}${minutes === '00' ? '' : `:${minutes}`}`;
}

/** '18:03:04.123' in the zone (the machine's by default), 24-hour, with milliseconds. */
export function clockTime(at: number, timeZone?: string): string {
  const format = cached(clockFormats, timeZone, () =>
    new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', ...(timeZone ? { timeZone } : {}) }),
  );
  const parts = format.formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((item) => item.type === type)?.value ?? '00';
  const millis = String(((at % 1000) + 1000) % 1000).padStart(3, '0');
  return `${part('hour')}:${part('minute')}:${part('second')}.${millis}`;
}
