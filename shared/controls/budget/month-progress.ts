/**
 * The Beijing month (UTC+8 all year: China has no daylight saving time) the DingTalk OpenAPI quota is counted in, and
 * how far through it a moment is (docs/controls.md §3). A tiny helper of its own so the budget's arithmetic does
 * not depend on the host's time zone.
 */
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

export interface BeijingMonth {
  /** `YYYY-MM`, as the control ledger's state names it. */
  month: string;
  /** The month's first and the next month's first Beijing midnight, in ms since the epoch. */
  start: number;
  end: number;
}

export function beijingMonthOf(at: number): BeijingMonth {
  const local = new Date(at + BEIJING_OFFSET_MS);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth();
  return {
    month: `${year}-${String(month + 1).padStart(2, '0')}`,
    start: Date.UTC(year, month, 1) - BEIJING_OFFSET_MS,
    end: Date.UTC(year, month + 1, 1) - BEIJING_OFFSET_MS,
  };
}

/** How much of its Beijing month has passed at `at`: 0 at its first midnight, approaching 1 at its end. */
export function monthElapsed(at: number): number {
  const { start, end } = beijingMonthOf(at);
  return (at - start) / (end - start);
}
