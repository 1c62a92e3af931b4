import { AppendConflictError, StorageError } from '../errors';
import type { AppendLog } from './append-log';
import { messageState, type MessageState } from './message-state';
import { parseRecords, serializeRecord, type HistoryRecord, type StateRecord, type TerminalRecord } from './records';

export interface ConversationView {
  key: string;
  records: HistoryRecord[];
  /** Where the next append must go (the object's length when it was read). */
  position: number;
}

export interface ClaimOutcome {
  state: Exclude<MessageState, 'free'> | 'claimed';
  view: ConversationView;
}

export interface ConversationHistoryOptions {
  log: AppendLog;
  /** Bytes of the object's tail read per turn: the bound on I/O however long the history grows. */
  tailBytes: number;
  maxAttempts?: number;
}

/**
 * Conversation history on an append-only log. An ordinary turn costs three requests: one tail read, one append for
 * the claim and one for the terminal record. Appends go at the position last seen; a conflict means someone else
 * (another message of the same person) appended first, and costs a fresh look, never a lost record.
 */
export function createConversationHistory(options: ConversationHistoryOptions) {
  const { log, tailBytes } = options;
  const maxAttempts = options.maxAttempts ?? 10;

  async function open(key: string): Promise<ConversationView> {
    const tail = await log.readTail(key, tailBytes);
    return { key, records: parseRecords(tail.text).records, position: tail.length };
  }

  /**
   * Takes the message on unless it is answered or being answered; a conflict re-reads and decides again. A delivery
   * that resumes its own claim (an FC retry) appends a fresh one too: the old lease may have run out, and a
   * redelivery must not find the message free while the retry is answering it.
   */
  async function claim(view: ConversationView, claimRecord: { id: string; by: string; at: number; until: number }): Promise<ClaimOutcome> {
    let current = view;
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      const state = messageState(current.records, claimRecord.id, claimRecord.by, claimRecord.at);
      if (state === 'answered' || state === 'busy') return { state, view: current };
      const record: HistoryRecord = { t: 'claim', ...claimRecord };
      try {
        const position = await log.append(current.key, current.position, serializeRecord(record));
        const claimed = { ...current, records: [...current.records, record], position };
        return { state: state === 'resumed' ? 'resumed' : 'claimed', view: claimed };
      } catch (error) {
        if (!(error instanceof AppendConflictError)) throw error;
        current = await open(current.key);
      }
    }
    throw new StorageError(`could not claim a message in ${view.key} after ${maxAttempts} attempts`);
  }

  /**
   * Appends the message's terminal record (and a state snapshot when there is one) in one append, moving past
   * anything appended meanwhile. Returns the new position.
   */
  async function finish(key: string, position: number, records: readonly [TerminalRecord, ...StateRecord[]]): Promise<number> {
    let at = position;
    const lines = records.map(serializeRecord).join('');
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      try {
        return await log.append(key, at, lines);
      } catch (error) {
        if (!(error instanceof AppendConflictError)) throw error;
        at = await log.length(key);
      }
    }
    throw new StorageError(`could not append to ${key} after ${maxAttempts} attempts`);
  }

  /** Really forgets: the whole object goes, not just what the prompt would have shown. */
  async function forget(key: string): Promise<void> {
    await log.remove(key);
  }

  return { open, claim, finish, forget };
}

export type ConversationHistory = ReturnType<typeof createConversationHistory>;
