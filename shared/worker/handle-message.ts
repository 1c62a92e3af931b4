import type { DingTalkMessage, WorkerEvent } from '../dingtalk/schema';
import { DeliveryError, StorageError, asBotError } from '../errors';
import { conversationKey } from '../history/conversation-key';
import type { ClaimOutcome } from '../history/conversation-history';
import { classifyMessage } from './commands';
import { doneAnswer, type Answer } from './answer';
import { composeAnswer } from './compose-answer';
import { retryUntil } from './retry-until';
import type { TurnDependencies } from './turn-dependencies';
import { errorText } from './user-messages';

/**
 * One DingTalk message, start to end: claim it in the conversation's log (a redelivery or a concurrent retry finds
 * it claimed or answered and stops), work out the answer, deliver it, then append the terminal record. Only a
 * failed delivery is thrown, so that FC retries the invocation; the retry finds its own claim and resumes.
 */
export async function handleMessage(event: WorkerEvent, deps: TurnDependencies): Promise<'answered' | 'skipped'> {
  const { message } = event;
  const log = deps.logger;
  const key = conversationKey(message, deps.settings.history);
  let claim: ClaimOutcome;
  try {
    claim = await retryUntil(
      async () => {
        const view = await deps.history.open(key);
        return deps.history.claim(view, { id: message.msgId, by: event.deliveryId, at: deps.now(), until: deps.deadlineMs + 5_000 });
      },
      { giveUpAtMs: deps.now() + storagePatienceMs(deps), now: deps.now, isRetryable: isStorageError },
    );
  } catch (error) {
    // Without the log there is no claim and no record; the user still hears why instead of silence.
    await deliver(deps, message, failureAnswer(error, message, deps).text);
    return 'answered';
  }
  if (claim.state === 'answered' || claim.state === 'busy') {
    log.info('duplicate delivery skipped', { state: claim.state });
    return 'skipped';
  }
  if (claim.state === 'resumed') log.warn('resuming a message whose earlier attempt failed');

  const intent = classifyMessage(message, deps.settings.commands);
  let answer: Answer;
  try {
    answer = await composeAnswer(intent, claim.view, event, claim.state === 'resumed', deps);
  } catch (error) {
    answer = failureAnswer(error, message, deps);
  }

  if (!answer.delivered) await deliver(deps, message, answer.text);
  const [terminal] = answer.records;
  log.info('answered', { intent: intent.kind, outcome: terminal.t === 'done' ? terminal.kind : terminal.t, via: answer.delivered ? 'card' : 'markdown' });
  await recordAnswer(deps, key, answer, claim.view.position);
  return 'answered';
}

function failureAnswer(error: unknown, message: DingTalkMessage, deps: TurnDependencies): Answer {
  const failure = asBotError(error);
  deps.logger.error('turn failed; telling the user', { error: failure });
  return doneAnswer(message.msgId, deps.now(), errorText(failure), failure.code);
}

/**
 * The answer went out; now it must be recorded or a retry would answer again. Storage hiccups are retried until
 * the deadline; after that the turn is logged as lost rather than thrown (a throw would make FC send it twice).
 */
async function recordAnswer(deps: TurnDependencies, key: string, answer: Answer, claimedAt: number): Promise<void> {
  try {
    await retryUntil(() => deps.history.finish(key, answer.position ?? claimedAt, answer.records), {
      giveUpAtMs: deps.deadlineMs - 1_000,
      now: deps.now,
      isRetryable: () => true,
    });
  } catch (error) {
    deps.logger.error('answer delivered but not recorded', { error: asBotError(error), record: answer.records[0].t });
  }
}

async function deliver(deps: TurnDependencies, message: DingTalkMessage, text: string): Promise<void> {
  try {
    await deps.replier.reply(message, text);
  } catch (error) {
    throw error instanceof DeliveryError ? error : new DeliveryError('reply could not be delivered', { cause: error });
  }
}

const isStorageError = (error: unknown): boolean => error instanceof StorageError;
/** How long to keep retrying the history before telling the user it is unavailable. */
const storagePatienceMs = (deps: TurnDependencies): number => Math.min(10_000, (deps.deadlineMs - deps.now()) / 4);
