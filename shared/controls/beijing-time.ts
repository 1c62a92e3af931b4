/**
 * Beijing time (Asia/Shanghai) for the ledger's days and months: UTC+8 all year, with no daylight saving since 1991
 * (docs/controls.md §2), so plain arithmetic on epoch milliseconds gives the same answer as a time-zone database,
 * without loading one (Intl with a time zone costs a cold start) and independent of the instance's TZ.
 */
const OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
/** The rate limit's window, and the span of turns card pacing looks at. */
export const MINUTE_MS = 60_000;

/** The UTC calendar fields of Beijing's wall clock at `at`. */
const wallClock = (at: number): Date => new Date(at + OFFSET_MS);

/** YYYY-MM-DD of the Beijing day `at` falls in. */
export const beijingDay = (at: number): string => wallClock(at).toISOString().slice(0, 10);

/** YYYY-MM of the Beijing month `at` falls in. */
export const beijingMonth = (at: number): string => wallClock(at).toISOString().slice(0, 7);

/** The start (00:00 Beijing) of the day `at` falls in, in epoch ms. */
export const dayStart = (at: number): number => Math.floor((at + OFFSET_MS) / DAY_MS) * DAY_MS - OFFSET_MS;

/** The next Beijing midnight after `at`: when the day's quotas reset. */
export const nextMidnight = (at: number): number => dayStart(at) + DAY_MS;

/** The start (the 1st, 00:00 Beijing) of the month `at` falls in. */
export function monthStart(at: number): number {
  const wall = wallClock(at);
  return Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), 1) - OFFSET_MS;
}

/** The start of the next Beijing month: when the month's quotas reset. */
export function nextMonthStart(at: number): number {
  const wall = wallClock(at);
  return Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth() + 1, 1) - OFFSET_MS;
}

/** How much of the Beijing month has passed at `at`, in [0, 1): the card budget's forecast divides by it. */
export function elapsedFractionOfMonth(at: number): number {
  const start = monthStart(at);
  return (at - start) / (nextMonthStart(at) - start);
}

/** The earlier days of `at`'s Beijing month, newest first (the day before back to the 1st); empty on the 1st. */
export function earlierDaysOfMonth(at: number): string[] {
  const days: string[] = [];
  for (let day = dayStart(at) - DAY_MS; day >= monthStart(at); day -= DAY_MS) days.push(beijingDay(day));
  return days;
}

/** The label every time shown to users carries: the logs are UTC, the users are in China. */
export const BEIJING = '（北京时间）';

/** "2026-12-02 08:00" in Beijing time: for texts that say when a limit resets (labelled BEIJING by the caller). */
export const formatBeijing = (at: number): string => wallClock(at).toISOString().slice(0, 16).replace('T', ' ');

/** "08:00:15": for the minute limit, whose reset is always within the next minute. */
export const formatBeijingClock = (at: number): string => wallClock(at).toISOString().slice(11, 19);
