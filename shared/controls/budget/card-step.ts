/**
 * How AI cards are used while the DingTalk OpenAPI budget runs down (docs/controls.md "API budget"): each step costs
 * fewer calls per answer than the one before. Every instance computes the same step from the control ledger's
 * counts, and an errcode 90020 or a QpsLimit recorded there moves them all at once.
 */
export const CARD_STEPS = ['normal', 'fewer', 'final-only', 'markdown'] as const;
export type CardStep = (typeof CARD_STEPS)[number];

/** Why the step is what it is: the counts alone, or a limit DingTalk answered with. */
export type CardStepReason = 'budget' | 'forecast' | 'quota-exhausted' | 'qps-limit';

/** A limit DingTalk answered a card or OpenAPI call with (docs/controls.md). */
export type ApiLimitKind = 'quota-exhausted' | 'qps-limit';

export const stepIndex = (step: CardStep): number => CARD_STEPS.indexOf(step);
export const lowerStep = (a: CardStep, b: CardStep): CardStep => (stepIndex(a) >= stepIndex(b) ? a : b);
