import type { ControlState } from '../ledger/control-ledger';
import type { ApiBudgetSettings } from '../robot-controls';
import { CARD_STEPS, type CardStep, type CardStepReason, lowerStep, stepIndex } from './card-step';
import { beijingMonth, monthStart, nextMonthStart } from '../beijing-time';

/**
 * Which step of AI card use this turn gets, from the counts every instance shares (docs/controls.md §3): the
 * fraction of the month's OpenAPI calls used picks the step; a month on course to overrun its quota goes one step
 * lower; a limit DingTalk answered with (a 90020 or a QpsLimit, recorded in the ledger) lowers it further. Pure: every
 * instance that reads the same state at the same time gets the same step.
 */
export interface CardStepDecision {
  step: CardStep;
  /** Undefined while the step is 'normal' for no reason at all. */
  reason: CardStepReason | undefined;
  /** OpenAPI calls counted this Beijing month, and the month's total at this pace (for `/admin status`). */
  used: number;
  forecast: number;
}

/** Below each fraction of the month's calls used, the step beside it; at or past the last, 'markdown'. */
export const STEP_THRESHOLDS: readonly { below: number; step: CardStep }[] = [
  { below: 0.6, step: 'normal' },
  { below: 0.85, step: 'fewer' },
  { below: 0.97, step: 'final-only' },
];

/**
 * The forecast divides by at least one day of the month: in its first minutes a handful of calls would extrapolate to
 * a huge figure and move every instance down for nothing.
 */
export const FORECAST_MIN_ELAPSED_MS = 24 * 60 * 60 * 1000;

/** How long a QpsLimit holds when the ledger gave it no end (it normally does: docs/controls.md §3). */
export const QPS_LIMIT_HOLD_MS = 10 * 60 * 1000;

export function cardStepFor(state: ControlState, budget: ApiBudgetSettings, now: number): CardStepDecision {
  const month = beijingMonthOf(now);
  // A view read before the month turned holds last month's calls: none of them count against this month's quota.
  const used = state.month === month.month ? state.calls.month : 0;
  const limit = budget.monthlyCalls;
  const fraction = limit > 0 ? used / limit : Number.POSITIVE_INFINITY;
  let step = STEP_THRESHOLDS.find((threshold) => fraction < threshold.below)?.step ?? 'markdown';
  let reason: CardStepReason | undefined = step === 'normal' ? undefined : 'budget';

  const elapsed = Math.max(now - month.start, FORECAST_MIN_ELAPSED_MS) / (month.end - month.start);
  const forecast = Math.round(used / Math.min(1, elapsed));
  if (forecast > limit && step !== 'markdown') {
    step = oneBelow(step);
    reason = 'forecast';
  }

  const forced = state.forcedStep;
  if (forced !== undefined && holds(forced, now, month)) {
    // A QpsLimit moves one step below what the counts say; a 90020 to its own step ('markdown'), whatever they say.
    step = lowerStep(forced.step, forced.reason === 'qps-limit' ? oneBelow(step) : step);
    reason = forced.reason;
  }
  return { step, reason, used, forecast };
}

export function oneBelow(step: CardStep): CardStep {
  return CARD_STEPS[Math.min(stepIndex(step) + 1, CARD_STEPS.length - 1)] ?? 'markdown';
}

/** A forced step holds until its `until`; without one, a 90020 holds to the end of its month, a QpsLimit 10 minutes. */
function holds(forced: NonNullable<ControlState['forcedStep']>, now: number, month: BeijingMonth): boolean {
  if (forced.until !== undefined) return now < forced.until;
  if (forced.reason === 'qps-limit') return now < forced.at + QPS_LIMIT_HOLD_MS;
  return beijingMonthOf(forced.at).month === month.month;
}

interface BeijingMonth {
  month: string;
  start: number;
  end: number;
}

/** The Beijing month the DingTalk quota is counted in ("按自然月统计", docs/controls.md §3). */
const beijingMonthOf = (at: number): BeijingMonth => ({ month: beijingMonth(at), start: monthStart(at), end: nextMonthStart(at) });
