import { DeliveryError, NotAppendableError, StorageError, asBotError } from '../errors';
import { serializeRecords, type StateRecord, type TerminalRecord } from '../history/records';
import type { Answer } from './answer';
import { retryUntil } from './retry-until';
import { turnWorkEndsAt, type TurnDependencies, type TurnEvent } from './turn-dependencies';
import { laterView, turnView, type TurnView } from './turn-view';
import { recordsFor, storedReply } from './turn-records';
import { reportApiLimit } from './report-api-limit';

/** The last two steps of a message (handle-message.ts): send the reply, then record it. docs/delivery.md. */

/**
 * Records the answer once it is out: the terminal record is what tells a later run of the message that it was
 * answered. Storage hiccups are retried until the reply reserve; an object that takes no more appends is replaced
 * first. A record that still fails is logged: the user has the answer, only the history lacks the turn.
 */
export async function record(deps: TurnDependencies, view: TurnView, answer: Answer, event: TurnEvent): Promise<void> {
  const msgId = event.message.id;
  const tailBytes = deps.settings.history.tailBytes;
  const giveUpAtMs = Math.max(deps.now() + 1_000, turnWorkEndsAt(deps.deadlineMs, deps.replyReserveMs));
  let current = view;
  try {
    await retryUntil(
      async () => {
        if (answer.reset) return deps.history.reset(view.key, msgId, recordsFor(answer, view, tailBytes));
        try {
          const opened = current;
          await deps.history.record(opened, msgId, (latest) => recordsFor(answer, laterView(opened, latest), tailBytes));
        } catch (error) {
          if (!(error instanceof NotAppendableError)) throw error;
          current = turnView(await deps.history.openForAppend(view.key, { id: msgId, by: event.deliveryId, giveUpAtMs }));
          throw new StorageError('the conversation moved to a fresh object; recording again');
        }
      },
      { giveUpAtMs, now: deps.now, isRetryable: () => true },
    );
  } catch (error) {
    deps.logger.error('answer delivered but not recorded', { error: asBotError(error), record: answer.reset ? 'reset' : 'answer' });
  }
}

/**
 * Sends a message's reply after the parts already out. A failure a retry can help leaves the reply in the claim
 * object and is thrown for FC, whose retry sends the rest without asking the model again; one no retry can fix is
 * logged, and the message counts as answered.
 */
export async function send(event: TurnEvent, deps: TurnDependencies, claimKey: string, records: readonly [TerminalRecord, ...StateRecord[]], sentParts: number): Promise<void> {
  const text = storedReply(records[0]);
  if (text === '') return;
  try {
    await deliver(event, text, sentParts);
  } catch (error) {
    const failure = error instanceof DeliveryError ? error : new DeliveryError('reply could not be delivered', { cause: error });
    // A reply the OpenAPI refused for the month's quota (or a QpsLimit) moves every instance's cards down too.
    await reportApiLimit(failure, deps);
    if (!failure.retryable) {
      deps.logger.error('reply cannot be delivered; a retry would not help', { error: failure });
      return;
    }
    const lines = serializeRecords(records);
    await deps.claims.recordStored(claimKey, event.deliveryId, deps.now(), { parts: sentParts + failure.deliveredParts, lines }).catch((stored: unknown) => {
      deps.logger.error('undelivered reply could not be stored; the retry will ask again', { error: asBotError(stored) });
    });
    throw failure;
  }
}

export async function deliver(event: TurnEvent, text: string, skipParts: number): Promise<void> {
  await event.reply(text, skipParts > 0 ? { skipParts } : undefined);
}
