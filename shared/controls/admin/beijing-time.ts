/**
 * Beijing time for the controls' texts. Days and months of the limits are Beijing ones, and China keeps UTC+8 all
 * year with no daylight saving (docs/controls.md §6), so a fixed offset is exact and needs no time-zone data.
 */
const OFFSET_MS = 8 * 60 * 60 * 1000;

export const BEIJING = '（北京时间）';

const pad = (value: number): string => String(value).padStart(2, '0');

/** The UTC fields of the shifted date are Beijing's wall clock. */
const wall = (ms: number): Date => new Date(ms + OFFSET_MS);

/** `YYYY-MM-DD HH:mm`, without the label. */
export function formatBeijing(ms: number): string {
  const d = wall(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** `HH:mm:ss`: for the minute limit, whose reset is always within the next minute. */
export function formatBeijingClock(ms: number): string {
  const d = wall(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** The Beijing day, `YYYY-MM-DD`. */
export function beijingDay(ms: number): string {
  return formatBeijing(ms).slice(0, 10);
}

/** The next Beijing midnight after `ms`: when the daily token counts start again. */
export function nextBeijingMidnight(ms: number): number {
  const d = wall(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1) - OFFSET_MS;
}

/** The first moment of the next Beijing month: when the monthly counts start again. */
export function nextBeijingMonthStart(ms: number): number {
  const d = wall(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - OFFSET_MS;
}
