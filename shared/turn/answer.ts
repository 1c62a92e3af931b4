import type { StateRecord, TerminalRecord } from '../history/records';
import type { TurnView } from './turn-view';

/** Builds the records a message leaves, from the view they will follow (re-run when someone appended first). */
export type TurnRecordBuilder = (view: TurnView) => readonly [TerminalRecord, ...StateRecord[]];

/** The outcome of one message: what the user is told, and the records that say so in the log. */
export interface Answer {
  /** Sent as markdown, unless `delivered` says it already went out (streamed into an AI card). */
  text: string;
  /** The message's terminal record and any settings snapshot, built from the view they will follow. */
  build: TurnRecordBuilder;
  /** The records start a fresh object: the history was forgotten (`新对话`). */
  reset?: boolean;
  delivered?: boolean;
  /** Model tokens the answer cost (provider usage, else the estimate): settled in the robot's ledger once it is out. */
  tokens?: number;
}

/** An answer that needs no model: help, a command's reply, a refusal or an error message. */
export function doneAnswer(msgId: string, at: number, text: string, kind: string, state?: (view: TurnView) => StateRecord): Answer {
  const done: TerminalRecord = { t: 'done', id: msgId, at, kind };
  return { text, build: (view) => (state ? [done, state(view)] : [done]) };
}
