import { createHash } from 'node:crypto';
import type { InboundMessage } from '../channels/channel';
import { createAnswerGuard } from '../controls/sensitive/answer-guard';
import type { CardCadence } from '../controls/budget/card-cadence';
import { asBotError } from '../errors';
import { reportApiLimit } from '../turn/report-api-limit';
import type { ChatCompletion, ChatModel, ChatRequest } from '../model/chat-model';
import { doneAnswer, type Answer } from '../turn/answer';
import { startCardStream } from './card-stream';
import { presentAnswer, presentCompletion, withNote } from '../turn/present-answer';
import { modelBudgetMs, type TurnDependencies, type TurnEvent } from '../turn/turn-dependencies';
import { CARD_FALLBACK_NOTE, CARD_PLACEHOLDER, errorText } from '../turn/user-messages';

export type CardOutcome =
  /** The model answered; `remainder` is what no card could show ('' when the cards hold it all). */
  | { kind: 'answered'; completion: ChatCompletion; remainder: string }
  /** The model failed and the card says so: the message is answered. */
  | { kind: 'failed'; answer: Answer };

/**
 * Streams one model answer into AI cards: the card is created before the model is called, so the user sees at once
 * that the robot is on it; it is then filled as the text arrives, and finalized. Undefined when no card could be
 * used (not configured, cooling down after a card failure, a chat the channel has no cards for, such as a DingTalk
 * 1:1 sender without staff id, or the card could not be created): the caller answers with markdown. A card failure later on trips the gate and leaves the rest to markdown.
 */
export async function answerInCard(
  request: ChatRequest,
  model: ChatModel,
  event: TurnEvent,
  resume: boolean,
  deps: TurnDependencies,
  /** Said under the answer (pictures left out, say); not part of what the model wrote. */
  note?: string,
  /** How this turn's card is updated, as the DingTalk API budget allows (docs/controls.md §3); undefined: as configured. */
  cadence?: CardCadence,
): Promise<CardOutcome | undefined> {
  const { message, cards } = event;
  const { settings, logger } = deps;
  if (!cards || !settings.card || !cards.gate.isOpen() || cadence?.mode === 'none') return undefined;

  const stream = startCardStream({
    cards,
    outTrackIdBase: outTrackIdFor(message),
    resume,
    mode: cadence?.mode ?? 'stream',
    minIntervalMs: cadence?.minIntervalMs ?? settings.card.minIntervalMs,
    minGrowthChars: cadence?.minGrowthChars ?? settings.card.minGrowthChars,
    maxCardChars: settings.card.maxChars,
    placeholder: CARD_PLACEHOLDER,
    fallbackNote: CARD_FALLBACK_NOTE,
    logger,
    now: deps.now,
  });
  if (!(await stream.open())) {
    await reportApiLimit(stream.failure?.error, deps);
    cards.gate.trip();
    logger.warn('AI card could not be created; answering with markdown');
    return undefined;
  }

  let firstTokenAt: number | undefined;
  let shown = '';
  // Sensitive words: the card sees only what the guard lets through; a refusal ends the card at once.
  const guard = createAnswerGuard({
    check: deps.sensitive,
    showReasoning: settings.showReasoning,
    logger,
    onRefuse: (refusal) => void stream.finish(refusal),
  });
  const onProgress: ChatRequest['onProgress'] = (progress) => {
    firstTokenAt ??= deps.now();
    const allowed = guard.show(presentAnswer(progress, settings.showReasoning));
    if (allowed === undefined) return;
    shown = allowed;
    stream.update(shown);
  };
  // Opening the card took time (up to two calls on a retry): the model gets only what is left before the reserve.
  const timeoutMs = Math.min(request.timeoutMs, modelBudgetMs(deps));
  let completion: ChatCompletion;
  try {
    completion = guard.screen(await guard.complete(model, { ...request, timeoutMs, onProgress }));
  } catch (error) {
    const failure = asBotError(error);
    const text = errorText(failure);
    const result = await stream.fail(shown === '' ? text : `${shown}\n\n${text}`);
    if (!result.delivered) {
      await reportApiLimit(result.error, deps);
      cards.gate.trip();
      throw error;
    }
    logger.error('model failed mid-card; the card says so', { error: failure, cards: result.cards, updates: result.updates });
    return { kind: 'failed', answer: { ...doneAnswer(message.id, deps.now(), text, failure.code), delivered: true } };
  }

  const full = withNote(presentCompletion(completion, settings.showReasoning), note);
  const result = await stream.finish(full);
  if (!result.delivered) {
    await reportApiLimit(result.error, deps);
    cards.gate.trip();
  }
  logger.info('card answer', {
    delivered: result.delivered,
    cards: result.cards,
    updates: result.updates,
    answer_chars: Array.from(full).length,
    first_token_to_card_ms: firstTokenAt !== undefined && result.firstUpdateAt !== undefined ? result.firstUpdateAt - firstTokenAt : undefined,
    ...(result.delivered ? {} : { error: asBotError(result.error) }),
  });
  return { kind: 'answered', completion, remainder: result.delivered ? '' : result.remainder };
}

/**
 * Stable per message, so an FC retry addresses the cards its crashed attempt created. A DingTalk message's is what
 * it was before channels (robotCode and msgId), so a retry across the upgrade finds its card; any other channel's
 * name is hashed in too.
 */
export function outTrackIdFor(message: InboundMessage): string {
  const scope = message.channel === 'dingtalk' ? '' : `${message.channel}\n`;
  return `dtllm-${createHash('sha256').update(`${scope}${message.account}\n${message.id}`).digest('hex').slice(0, 32)}`;
}
