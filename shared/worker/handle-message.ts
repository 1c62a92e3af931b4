import type { DingTalkMessage, WorkerEvent } from '../dingtalk/schema';
import { DeliveryError, NotAppendableError, StorageError, asBotError } from '../errors';
import { conversationKey } from '../history/conversation-key';
import type { ConversationView } from '../history/conversation-history';
import type { ClaimState } from '../history/message-claims';
import type { TerminalRecord } from '../history/records';
import { doneAnswer, type Answer } from './answer';
import { classifyMessage, type Intent } from './commands';
import { composeAnswer } from './compose-answer';
import { retryUntil } from './retry-until';
import type { TurnDependencies } from './turn-dependencies';
import { recordsFor, storedReply } from './turn-records';
import { errorText, rotationNotice } from './user-messages';

/**
 * One DingTalk message, start to end (docs/delivery.md):
 * 1. claim it in its own claim object: a redelivery or a concurrent copy finds it busy or answered and stops;
 * 2. read the conversation (moving it to a fresh object first when its own can take no more);
 * 3. work out the answer, asking the model at most once, and record it with the reply it will send;
 * 4. send that reply. A retry of a delivery that failed finds the record and sends the stored reply, after the parts
 *    already out; the model is not asked again.
 * Ordinary cost: three OSS requests (claim, tail read, record). Only a delivery failure that a retry can help is
 * thrown, so that FC retries the invocation.
 */
export async function handleMessage(event: WorkerEvent, deps: TurnDependencies): Promise<'answered' | 'skipped'> {
  const { message } = event;
  const log = deps.logger;
  const claimKey = deps.claims.keyOf(message.robotCode ?? '', message.msgId);
  let claim: ClaimState;
  try {
    claim = await patiently(deps, () =>
      deps.claims.claim({ key: claimKey, by: event.deliveryId, at: deps.now(), until: deps.deadlineMs + 5_000 }),
    );
  } catch (error) {
    // Without the claim there is nothing to record in; the user still hears why instead of silence.
    await deliver(deps, message, failureAnswer(error, message, deps).text, 0);
    return 'answered';
  }
  if (claim.kind === 'busy') {
    log.info('duplicate delivery skipped', { state: claim.kind });
    return 'skipped';
  }

  const intent = classifyMessage(message, deps.settings.commands);
  const key = conversationKey(message, deps.settings.history);
  let view: ConversationView;
  try {
    view = await patiently(deps, () => openView(intent, key, event, deps));
  } catch (error) {
    // `新对话` works whatever state the object is in: it is deleted without being read.
    if (intent.kind !== 'reset') {
      await deliver(deps, message, failureAnswer(error, message, deps).text, 0);
      return 'answered';
    }
    view = { key, records: [], position: 0, truncated: false, rotation: undefined };
  }

  if (claim.kind !== 'new') {
    const since = claim.kind === 'taken-over' ? claim.since : 0;
    const earlier = await deps.history.findTerminal(view, message.msgId, since).catch(() => undefined);
    if (earlier && claim.kind === 'taken-over') {
      log.info('duplicate delivery skipped', { state: 'answered' });
      return 'skipped';
    }
    if (earlier) {
      log.warn('resuming: sending the recorded reply instead of asking again', { sent_parts: claim.kind === 'resumed' ? claim.sentParts : 0 });
      await deliverRecorded(deps, message, claimKey, event.deliveryId, earlier, claim.kind === 'resumed' ? claim.sentParts : 0);
      return 'answered';
    }
  }

  let answer: Answer;
  try {
    answer = await composeAnswer(intent, view, event, claim.kind !== 'new', deps);
  } catch (error) {
    answer = failureAnswer(error, message, deps);
  }
  if (view.rotatedFrom && !answer.delivered) answer = { ...answer, text: `${answer.text}\n\n${rotationNotice(view.rotatedFrom)}` };

  const { terminal, ours } = await recordAnswer(deps, view, answer, event);
  if (!ours) {
    // A twin of this delivery (FC ran the same event twice at once) recorded first; it sends the reply.
    log.warn('another run of this delivery answered first; not sending twice');
    return 'skipped';
  }
  log.info('answered', { intent: intent.kind, outcome: terminal.t === 'done' ? terminal.kind : terminal.t, via: answer.delivered ? 'card' : 'markdown' });
  await deliverRecorded(deps, message, claimKey, event.deliveryId, terminal, 0);
  return 'answered';
}

function openView(intent: Intent, key: string, event: WorkerEvent, deps: TurnDependencies): Promise<ConversationView> {
  if (intent.kind === 'reset') return deps.history.open(key);
  return deps.history.openForAppend(key, { id: event.message.msgId, by: event.deliveryId, giveUpAtMs: deps.now() + storagePatienceMs(deps) });
}

function failureAnswer(error: unknown, message: DingTalkMessage, deps: TurnDependencies): Answer {
  const failure = asBotError(error);
  deps.logger.error('turn failed; telling the user', { error: failure });
  return doneAnswer(message.msgId, deps.now(), errorText(failure), failure.code);
}

/**
 * Records the answer before it is sent, so that a retry sends it instead of asking again. Storage hiccups are retried
 * until the reply reserve; an object that takes no more appends is replaced first. If it still cannot be recorded,
 * the reply goes out anyway (logged): an answer the user sees matters more than one the log keeps.
 */
async function recordAnswer(deps: TurnDependencies, view: ConversationView, answer: Answer, event: WorkerEvent): Promise<{ terminal: TerminalRecord; ours: boolean }> {
  const { msgId } = event.message;
  const tailBytes = deps.settings.history.tailBytes;
  const fallback = { terminal: recordsFor(answer, view, tailBytes)[0], ours: true };
  let current = view;
  const built = new Set<string>();
  try {
    return await retryUntil(
      async () => {
        if (answer.reset) {
          await deps.history.reset(view.key, msgId, recordsFor(answer, view, tailBytes));
          return fallback;
        }
        try {
          const written = await deps.history.record(current, msgId, (latest) => {
            const records = recordsFor(answer, latest, tailBytes);
            built.add(fingerprint(records[0]));
            return records;
          });
          const terminal = written[0] as TerminalRecord | undefined;
          // A record this run did not build (its time and text differ) was written by a concurrent run of the message.
          return terminal === undefined ? fallback : { terminal, ours: built.has(fingerprint(terminal)) };
        } catch (error) {
          if (!(error instanceof NotAppendableError)) throw error;
          current = await deps.history.openForAppend(view.key, { id: msgId, by: event.deliveryId, giveUpAtMs: deps.deadlineMs - deps.replyReserveMs / 2 });
          throw new StorageError('the conversation moved to a fresh object; recording again');
        }
      },
      { giveUpAtMs: deps.deadlineMs - deps.replyReserveMs / 2, now: deps.now, isRetryable: () => true },
    );
  } catch (error) {
    deps.logger.error('answer could not be recorded; sending it anyway', { error: asBotError(error) });
    return fallback;
  }
}

/** Tells this run's record from another's: the same message, so the time and the reply are what differ. */
const fingerprint = (terminal: TerminalRecord): string => `${terminal.t}\n${terminal.at}\n${storedReply(terminal)}`;

/** Sends a recorded reply after the parts already out. A failure a retry can help is noted and thrown for FC. */
async function deliverRecorded(deps: TurnDependencies, message: DingTalkMessage, claimKey: string, by: string, terminal: TerminalRecord, sentParts: number): Promise<void> {
  const text = storedReply(terminal);
  if (text === '') return;
  try {
    await deliver(deps, message, text, sentParts);
  } catch (error) {
    const failure = error instanceof DeliveryError ? error : new DeliveryError('reply could not be delivered', { cause: error });
    if (!failure.retryable) {
      deps.logger.error('reply cannot be delivered; a retry would not help', { error: failure });
      return;
    }
    const parts = sentParts + failure.deliveredParts;
    if (parts > 0) await deps.claims.recordSent(claimKey, by, deps.now(), parts).catch(() => undefined);
    throw failure;
  }
}

async function deliver(deps: TurnDependencies, message: DingTalkMessage, text: string, skipParts: number): Promise<void> {
  await deps.replier.reply(message, text, skipParts > 0 ? { skipParts } : undefined);
}

const patiently = <T>(deps: TurnDependencies, attempt: () => Promise<T>): Promise<T> =>
  retryUntil(attempt, { giveUpAtMs: deps.now() + storagePatienceMs(deps), now: deps.now, isRetryable: isStorageError });

const isStorageError = (error: unknown): boolean => error instanceof StorageError;
/** How long to keep retrying the history before telling the user it is unavailable. */
const storagePatienceMs = (deps: TurnDependencies): number => Math.min(10_000, (deps.deadlineMs - deps.now()) / 4);
