import type { DingTalkMessage, WorkerEvent } from '../dingtalk/schema';
import { StorageError, asBotError } from '../errors';
import { conversationKey } from '../history/conversation-key';
import type { ConversationView } from '../history/conversation-history';
import type { ClaimState } from '../history/message-claims';
import { parseRecords, type StateRecord, type TerminalRecord } from '../history/records';
import { doneAnswer, type Answer } from './answer';
import { classifyMessage, type Intent } from './commands';
import { composeAnswer } from './compose-answer';
import { retryUntil } from './retry-until';
import type { TurnDependencies } from './turn-dependencies';
import { deliver, record, send } from './send-and-record';
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

  if (claim.kind === 'resumed' && claim.stored) {
    // An earlier run of this delivery could not send its reply: send the rest of it, then record it.
    const stored = parseRecords(claim.stored.lines).records as [TerminalRecord, ...StateRecord[]];
    log.warn('resuming: sending the stored reply instead of asking again', { sent_parts: claim.stored.parts });
    await send(deps, message, claimKey, event.deliveryId, stored, claim.stored.parts);
    await record(deps, view, { text: storedReply(stored[0]), build: () => stored }, event);
    return 'answered';
  }
  if (claim.kind !== 'new' && (await answeredBefore(view, claim, message.msgId, deps))) {
    log.info('duplicate delivery skipped', { state: 'answered' });
    return 'skipped';
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
  await send(deps, message, claimKey, event.deliveryId, records, 0);
  await record(deps, view, answer, event);
  return 'answered';
}

/**
 * Whether an earlier run already answered: its terminal record is in the history. A run of this same delivery whose
 * lease is still live may be a twin running right now (FC ran the event twice): it is given a few seconds to record.
 */
async function answeredBefore(view: ConversationView, claim: Exclude<ClaimState, { kind: 'new' | 'busy' }>, msgId: string, deps: TurnDependencies): Promise<boolean> {
  const since = claim.kind === 'taken-over' ? claim.since : 0;
  const until = deps.now() + (claim.kind === 'resumed' && claim.live ? TWIN_WAIT_MS : 0);
  for (let current = view; ; ) {
    if (await deps.history.findTerminal(current, msgId, since).catch(() => undefined)) return true;
    if (deps.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, 250));
    current = await deps.history.open(view.key).catch(() => current);
  }
}

/** How long a resumed run waits for a twin's record before it answers itself (a crashed run never records). */
const TWIN_WAIT_MS = 3_000;

function openView(intent: Intent, key: string, event: WorkerEvent, deps: TurnDependencies): Promise<ConversationView> {
  if (intent.kind === 'reset') return deps.history.open(key);
  return deps.history.openForAppend(key, { id: event.message.msgId, by: event.deliveryId, giveUpAtMs: deps.now() + storagePatienceMs(deps) });
}

function failureAnswer(error: unknown, message: DingTalkMessage, deps: TurnDependencies): Answer {
  const failure = asBotError(error);
  deps.logger.error('turn failed; telling the user', { error: failure });
  return doneAnswer(message.msgId, deps.now(), errorText(failure), failure.code);
}

const patiently = <T>(deps: TurnDependencies, attempt: () => Promise<T>): Promise<T> =>
  retryUntil(attempt, { giveUpAtMs: deps.now() + storagePatienceMs(deps), now: deps.now, isRetryable: isStorageError });

const isStorageError = (error: unknown): boolean => error instanceof StorageError;
/** How long to keep retrying the history before telling the user it is unavailable. */
const storagePatienceMs = (deps: TurnDependencies): number => Math.min(10_000, (deps.deadlineMs - deps.now()) / 4);
