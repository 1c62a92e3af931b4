import type { InboundMessage } from '../channels/channel';
import { StorageError, asBotError } from '../errors';
import { claimAccountOf, conversationKey } from '../history/conversation-key';
import type { ConversationView } from '../history/conversation-history';
import type { ClaimState } from '../history/message-claims';
import { doneAnswer, type Answer } from './answer';
import { classifyMessage, type Intent } from './commands';
import { composeAnswer } from './compose-answer';
import { retryUntil } from './retry-until';
import type { TurnDependencies, TurnEvent } from './turn-dependencies';
import { turnView, type TurnView } from './turn-view';
import { answeredBefore, storedRecords } from './earlier-runs';
import { forgetSender } from './forget-sender';
import { refusedAtTheDoor } from './control-gate';
import { deliver, record, send } from './send-and-record';
import { recordsFor, storedReply } from './turn-records';
import { errorText, rotationNotice } from './user-messages';

/**
 * One message, from any channel, start to end (docs/delivery.md):
 * 1. claim it in its own claim object: a redelivery or a concurrent copy finds it busy or answered and stops;
 *    a sender the robot's access lists refuse is told once a day, and nothing else happens (control-gate.ts);
 * 2. read the conversation (moving it to a fresh object first when its own can take no more);
 * 3. resume a reply an earlier run could not send, or stop if an earlier run answered, or work out the answer (a
 *    chat message is admitted against the robot's limits first, chat-admission.ts);
 * 4. send the reply, then record it: the record tells every later run that the message was answered.
 * A `forget` message stops after the claim: its sender's data is deleted, and nothing is sent or recorded.
 * Ordinary cost: four OSS requests (claim, tail read, the controls' admission in chat-admission.ts, record). Only a
 * delivery failure that a retry can help is thrown, so that FC retries the invocation; the reply goes with it in the
 * claim object, and the retry sends the rest without asking the model again.
 */
export async function handleMessage(event: TurnEvent, deps: TurnDependencies): Promise<'answered' | 'skipped'> {
  const { message } = event;
  const log = deps.logger;
  const claimKey = deps.claims.keyOf(claimAccountOf(message), message.id);
  let claim: ClaimState;
  try {
    claim = await patiently(deps, () =>
      deps.claims.claim({ key: claimKey, by: event.deliveryId, at: deps.now(), until: deps.deadlineMs + 5_000 }),
    );
  } catch (error) {
    // Without the claim there is nothing to record in; the user still hears why instead of silence.
    await deliver(event, failureAnswer(error, message, deps).text, 0);
    return 'answered';
  }
  if (claim.kind === 'busy') {
    log.info('duplicate delivery skipped', { state: claim.kind });
    return 'skipped';
  }

  const intent = classifyMessage(message, deps.settings.commands);
  const key = conversationKey(message, deps.settings.history);
  if (intent.kind === 'forget') return forgetSender(event, key, deps, (attempt) => patiently(deps, attempt));
  try {
    if (await patiently(deps, () => refusedAtTheDoor(intent, event, deps))) return 'answered';
  } catch (error) {
    if (!(error instanceof StorageError)) throw error;
    await deliver(event, failureAnswer(error, message, deps).text, 0);
    return 'answered';
  }
  let view: TurnView;
  try {
    view = turnView(await patiently(deps, () => openView(intent, key, event, deps)));
  } catch (error) {
    // `新对话` works whatever state the object is in: it is deleted without being read.
    if (intent.kind !== 'reset') {
      await deliver(event, failureAnswer(error, message, deps).text, 0);
      return 'answered';
    }
    view = turnView({ key, records: [], position: 0, truncated: false, rotation: undefined });
  }

  if (claim.kind !== 'new' && (await answeredBefore(view, claim, message.id, deps))) {
    log.info('duplicate delivery skipped', { state: 'answered' });
    return 'skipped';
  }
  const stored = claim.kind === 'new' ? undefined : storedRecords(claim.stored?.lines);
  if (claim.kind !== 'new' && claim.stored && stored) {
    // An earlier run could not send its reply and nobody has since: send the rest of it, then record it.
    log.warn('resuming: sending the stored reply instead of asking again', { sent_parts: claim.stored.parts });
    await send(event, deps, claimKey, stored, claim.stored.parts);
    // The run that asked the model settled on its own instance; this one adds what its delivery cost, if nobody did.
    if (intent.kind === 'chat') deps.controls?.ledger.settle(message.id, { calls: event.apiCalls?.() ?? 0 });
    await record(deps, view, { text: storedReply(stored[0]), build: () => stored }, event);
    return 'answered';
  }

  let answer: Answer;
  try {
    answer = await composeAnswer(intent, view, event, claim.kind !== 'new', deps);
  } catch (error) {
    answer = failureAnswer(error, message, deps);
  }
  if (view.rotatedFrom && !answer.delivered) answer = { ...answer, text: `${answer.text}\n\n${rotationNotice(view.rotatedFrom)}` };

  const records = recordsFor(answer, view, deps.settings.history.tailBytes);
  log.info('answered', { intent: intent.kind, outcome: records[0].t === 'done' ? records[0].kind : records[0].t, via: answer.delivered ? 'card' : 'markdown' });
  // What the message really cost rides on this instance's next ledger append: settled before the reply goes out (a
  // failed delivery still settles) and again after it with the calls the delivery made. A settle for a message that
  // was not admitted (one over a limit) changes nothing; without tokens (the model failed) the reservation stands.
  const settle = (): void => {
    if (intent.kind === 'chat') deps.controls?.ledger.settle(message.id, { tokens: answer.tokens, calls: event.apiCalls?.() ?? 0 });
  };
  settle();
  await send(event, deps, claimKey, records, 0);
  settle();
  await record(deps, view, answer, event);
  return 'answered';
}

function openView(intent: Intent, key: string, event: TurnEvent, deps: TurnDependencies): Promise<ConversationView> {
  if (intent.kind === 'reset') return deps.history.open(key);
  return deps.history.openForAppend(key, { id: event.message.id, by: event.deliveryId, giveUpAtMs: deps.now() + storagePatienceMs(deps) });
}

function failureAnswer(error: unknown, message: InboundMessage, deps: TurnDependencies): Answer {
  const failure = asBotError(error);
  deps.logger.error('turn failed; telling the user', { error: failure });
  return doneAnswer(message.id, deps.now(), errorText(failure), failure.code);
}

const patiently = <T>(deps: TurnDependencies, attempt: () => Promise<T>): Promise<T> =>
  retryUntil(attempt, { giveUpAtMs: deps.now() + storagePatienceMs(deps), now: deps.now, isRetryable: isStorageError });

const isStorageError = (error: unknown): boolean => error instanceof StorageError;
/** How long to keep retrying the history before telling the user it is unavailable. */
const storagePatienceMs = (deps: TurnDependencies): number => Math.min(10_000, (deps.deadlineMs - deps.now()) / 4);
