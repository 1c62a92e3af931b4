import { cardStepFor } from '../controls/budget/card-budget';
import { cardCadence, estimatedCardCalls, type CardCadence } from '../controls/budget/card-cadence';
import { limitRefusal } from '../controls/admin/control-texts';
import type { ControlState, Subject } from '../controls/ledger/control-ledger';
import type { InboundMessage } from '../channels/channel';
import { doneAnswer, type Answer } from './answer';
import { isAdmin, tellRefused } from './control-gate';
import type { TurnDependencies, TurnEvent } from './turn-dependencies';

export type ChatAdmission =
  /** The model may be asked; `cadence` says how its card is updated (undefined: as configured, or no card to update). */
  | { kind: 'admitted'; cadence: CardCadence | undefined }
  /** Over a limit, or blocked by an admin: this answer instead of the model's. */
  | { kind: 'refused'; answer: Answer };

/**
 * Reserved for the answer at admission, on top of the prompt's estimate: its real size is known only after, and the
 * settlement that replaces the reservation rides on the instance's next append, which a reclaimed instance never
 * makes (docs/controls.md §1). About two pages of Chinese: an answer longer than that is charged when it settles.
 */
export const COMPLETION_RESERVE_TOKENS = 1_000;

export const subjectOf = (message: InboundMessage): Subject => ({
  user: message.sender.id,
  ...(message.sender.name ? { userName: message.sender.name } : {}),
  ...(message.conversation.group ? { group: message.conversation.id } : {}),
});

/**
 * A chat message's admission (docs/controls.md §1): its estimated tokens and card calls are reserved in the robot's
 * ledger by one append that lands only on a complete view, so limits hold exactly however many instances answer at
 * once. The card's cadence follows the DingTalk API budget the same view shows (docs/controls.md §3).
 */
export async function admitChat(event: TurnEvent, deps: TurnDependencies, estimatedTokens: number): Promise<ChatAdmission> {
  const { controls } = deps;
  const { message } = event;
  if (controls === undefined) return { kind: 'admitted', cadence: undefined };
  const at = deps.now();
  // The view this instance already holds (read only on a cold start): enough to estimate what the card will cost.
  const planned = cadenceFor(await controls.ledger.held(at), event, deps, at, false);
  const admission = await controls.ledger.admit({
    id: message.id,
    subject: subjectOf(message),
    at,
    estimate: { tokens: estimatedTokens, calls: planned?.calls ?? 0 },
    limits: deps.robot.controls.limits,
    exempt: isAdmin(event, deps),
  });
  if (admission.admitted) {
    // The step reflects the calls made before this turn: its own reservation is what the step will decide.
    const reserved = planned?.calls ?? 0;
    const before = { ...admission.state, calls: { day: admission.state.calls.day - reserved, month: admission.state.calls.month - reserved } };
    const plan = cadenceFor(before, event, deps, deps.now(), true);
    return { kind: 'admitted', cadence: plan?.cadence };
  }
  if (admission.reason === 'blocked') {
    await tellRefused(event, deps, 'blocked');
    // Told once a day at most; the record says the message was dealt with, so a redelivery stops at it.
    return { kind: 'refused', answer: doneAnswer(message.id, deps.now(), '', 'refused-blocked') };
  }
  deps.logger.info('message over a limit', { limit: admission.limit, resets_at: new Date(admission.resetsAt).toISOString() });
  return { kind: 'refused', answer: doneAnswer(message.id, deps.now(), limitRefusal(admission.limit, admission.value, admission.resetsAt), 'over-limit') };
}

function cadenceFor(state: ControlState, event: TurnEvent, deps: TurnDependencies, now: number, log: boolean): { cadence: CardCadence; calls: number } | undefined {
  const card = deps.settings.card;
  if (!event.cards || card === undefined || deps.controls === undefined) return undefined;
  const { budget } = deps.robot.controls;
  const decision = cardStepFor(state, budget, now);
  const cadence = cardCadence(decision.step, card, { recentTurns: state.recentTurns, qps: budget.qps, now });
  if (log && decision.step !== 'normal') deps.logger.info('cards degraded by the DingTalk API budget', { step: decision.step, reason: decision.reason, used: decision.used, forecast: Math.round(decision.forecast) });
  return { cadence, calls: estimatedCardCalls(decision.step, cadence) };
}
