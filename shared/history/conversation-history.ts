import { AppendConflictError, NotAppendableError, StorageError } from '../errors';
import type { AppendLog } from '../storage/append-log';
import { parseRecords, serializeRecords, terminalRecordOf, type HistoryRecord, type StateRecord, type TerminalRecord } from './records';
import { findTerminal } from './find-terminal';
import { forgetConversation } from './forget-conversation';
import { openForAppend, type RotationOptions } from './rotation';
import { rotationNeeded, type RotationReason } from './rotation-need';

export interface ConversationView {
  key: string;
  records: HistoryRecord[];
  /** Where the next append must go (the object's length when it was read). */
  position: number;
  /** The object holds more than was read. */
  truncated: boolean;
  /** Set when this object must be replaced before anything more is appended to it. */
  rotation: RotationReason | undefined;
  /** Set on the view of a fresh object that this writer itself started: the user is told, once. */
  rotatedFrom?: RotationReason;
}

export interface ConversationHistoryOptions {
  log: AppendLog;
  /** Bytes of the object's tail read per turn: the bound on I/O however long the history grows. */
  tailBytes: number;
  /** An object longer than this is replaced by a fresh one (its copy kept), which bounds every object's size. */
  maxBytes: number;
  /** How a conversation moves to a fresh object (rotation.ts). */
  rotation: Pick<RotationOptions, 'archiveKey' | 'archiveMaxBytes' | 'carryBytes' | 'leaseMs' | 'now'>;
  maxAttempts?: number;
}

/** Who is about to append, for a move to a fresh object that may have to come first. */
export interface Appender {
  id: string;
  by: string;
  giveUpAtMs: number;
}

/** Builds the records a message leaves, from the view they will follow (re-run when someone appended first). */
export type RecordBuilder = (view: ConversationView) => readonly [TerminalRecord, ...StateRecord[]];

/** A tail read that holds no whole line is re-read once this many times larger (one record was longer). */
export const OVERSIZED_LINE_FACTOR = 8;

/**
 * Conversation history on an append-only log: one tail read before the answer, one append of the message's records
 * after it. The append goes at the position read; a conflict means someone else (another message of the same
 * conversation) appended first, and costs a fresh look and a rebuilt record (running token sums stay exact), never
 * a lost one.
 */
export function createConversationHistory(options: ConversationHistoryOptions) {
  const { log, tailBytes } = options;
  const maxAttempts = options.maxAttempts ?? 10;

  async function open(key: string): Promise<ConversationView> {
    let tail = await log.readTail(key, tailBytes);
    let parsed = parseRecords(tail.text).records;
    if (parsed.length === 0 && tail.truncated) {
      tail = await log.readTail(key, tailBytes * OVERSIZED_LINE_FACTOR);
      parsed = parseRecords(tail.text).records;
    }
    return {
      key,
      records: parsed,
      position: tail.length,
      truncated: tail.truncated,
      rotation: rotationNeeded(tail, parsed, options.maxBytes),
    };
  }

  /**
   * Appends the records `build` makes for message `id` after `view`, moving past anything appended meanwhile; does
   * nothing when the message's terminal record is already there (an earlier attempt's append landed unseen).
   * Throws NotAppendableError for the caller to rotate.
   */
  async function record(view: ConversationView, id: string, build: RecordBuilder): Promise<void> {
    let current = view;
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      if (terminalRecordOf(current.records, id)) return;
      if (current.rotation) throw new NotAppendableError(current.key, current.rotation);
      try {
        await log.append(current.key, current.position, serializeRecords(build(current)));
        return;
      } catch (error) {
        if (!(error instanceof AppendConflictError)) throw error;
        current = await open(current.key);
      }
    }
    throw new StorageError(`could not append to ${view.key} after ${maxAttempts} attempts`);
  }

  /**
   * Really forgets: the whole object goes, whatever state it was in, then the records start a fresh one. When
   * another message started the fresh object first, they follow its lines: a reset record ends what came before.
   */
  async function reset(key: string, id: string, records: readonly [TerminalRecord, ...StateRecord[]]): Promise<void> {
    await log.remove(key);
    try {
      await log.append(key, 0, serializeRecords(records));
    } catch (error) {
      if (!(error instanceof AppendConflictError)) throw error;
      await record(await open(key), id, () => records);
    }
  }

  const history = {
    open,
    record,
    reset,
    /** Deletes the object and the archived copies it links to, writing nothing (forget-conversation.ts). */
    forget: (key: string) => forgetConversation(log, key, options),
    findTerminal: (view: ConversationView, id: string, sinceMs: number) => findTerminal(log, view, id, sinceMs, options),
    /** The view to append to, after moving the conversation to a fresh object if its own can take no more. */
    openForAppend: (key: string, appender: Appender): Promise<ConversationView> =>
      openForAppend(key, { ...options.rotation, ...appender, log, history }),
  };
  return history;
}

export type ConversationHistory = ReturnType<typeof createConversationHistory>;
