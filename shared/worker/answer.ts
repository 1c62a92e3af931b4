import type { StateRecord, TerminalRecord } from '../history/records';

/** The outcome of one message: what the user is told, and what the log records once it is out. */
export interface Answer {
  /** Sent as markdown, unless `delivered` says it already went out (streamed into an AI card). */
  text: string;
  /** The message's terminal record, and a settings snapshot when the message changed or carried them. */
  records: [TerminalRecord, ...StateRecord[]];
  /** Where to append the records, when it is not after the claim (a reset starts a new object). */
  position: number | undefined;
  delivered?: boolean;
}

/** An answer that needs no model: help, a command's reply, a refusal or an error message. */
export function doneAnswer(msgId: string, at: number, text: string, kind: string, state?: StateRecord): Answer {
  const done: TerminalRecord = { t: 'done', id: msgId, at, kind };
  return { text, records: state ? [done, state] : [done], position: undefined };
}
