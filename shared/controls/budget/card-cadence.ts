import type { CardStreamMode } from '../../cards/card-stream';
import type { CardStep } from './card-step';

/**
 * How one turn's AI card is updated at a step (docs/controls.md §3): the configured throttle at 'normal', four
 * times longer and larger at 'fewer', only the card's creation and its final text at 'final-only', no card at
 * 'markdown'. Pacing raises the interval so that every card streaming now, across all instances, stays under half
 * the tenant's card QPS; the other half is left for creations, final texts and other robots of the tenant.
 */
export type { CardStreamMode } from '../../cards/card-stream';

/** `mode: 'none'`: answer with markdown. The numbers fit startCardStream's options as they are. */
export type CardCadence =
  | { mode: CardStreamMode; minIntervalMs: number; minGrowthChars: number }
  | { mode: 'none'; minIntervalMs: number; minGrowthChars: number };

export interface CardPacing {
  /** Admission times of the turns of the last minute, across instances (ControlState.recentTurns). */
  recentTurns: readonly number[];
  /** The tenant's card API calls per second (ApiBudgetSettings.qps). */
  qps: number;
  now: number;
}

export const FEWER_FACTOR = 4;
/** A turn admitted this recently is taken to be streaming still (a typical answer streams for well under 30 s). */
export const PACING_WINDOW_MS = 30_000;
/** The share of the tenant's QPS the streaming updates of all cards may take together. */
export const PACING_SHARE = 0.5;

export function cardCadence(
  step: CardStep,
  base: { minIntervalMs: number; minGrowthChars: number },
  pacing: CardPacing,
): CardCadence {
  if (step === 'markdown') return { mode: 'none', ...base };
  const factor = step === 'normal' ? 1 : FEWER_FACTOR;
  return {
    mode: step === 'final-only' ? 'final-only' : 'stream',
    minIntervalMs: Math.max(base.minIntervalMs * factor, pacedIntervalMs(pacing)),
    minGrowthChars: base.minGrowthChars * factor,
  };
}

/**
 * N cards that each send one update per interval I make N / I calls a second, so I ≥ N / (PACING_SHARE × qps)
 * seconds. N counts this turn too (at least 1), so one card alone is never paced below the configured interval.
 */
export function pacedIntervalMs(pacing: CardPacing): number {
  if (!(pacing.qps > 0)) return 0;
  const since = pacing.now - PACING_WINDOW_MS;
  const streams = Math.max(1, pacing.recentTurns.filter((at) => at > since && at <= pacing.now).length);
  return Math.ceil((streams / (PACING_SHARE * pacing.qps)) * 1000);
}

/** The answer the estimate assumes: 1,000 characters at 300 a second (30 characters per 100 ms chunk). */
export const TYPICAL_ANSWER = { chars: 1000, charsPerSecond: 300 } as const;

/**
 * Card API calls a turn is expected to cost at `step`, reserved in the ledger at admission and replaced by the
 * counted calls when the turn settles. Per card: one create, the updates the throttle lets through (the first at
 * once, then one per interval, or per `minGrowthChars` of growth if that takes longer), and the final text (a
 * finalizing stream call and the finish); at 'final-only' the create and the finish only. A token fetch (once per
 * instance every ~2 h) is left out: it is rare, and the settlement counts it.
 */
export function estimatedCardCalls(
  step: CardStep,
  cadence: { minIntervalMs: number; minGrowthChars: number },
  answer: { chars: number; charsPerSecond: number } = TYPICAL_ANSWER,
): number {
  if (step === 'markdown') return 0;
  if (step === 'final-only') return 2;
  const durationMs = (answer.chars / answer.charsPerSecond) * 1000;
  const periodMs = Math.max(cadence.minIntervalMs, (cadence.minGrowthChars / answer.charsPerSecond) * 1000);
  const updates = 1 + Math.floor(durationMs / periodMs);
  return 1 + updates + 2;
}
