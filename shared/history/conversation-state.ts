import type { ChatUsage } from '../model/chat-model';
import { serializeRecord, type HistoryRecord, type StateRecord, type UsageSum } from './records';

/**
 * A conversation's settings and token use, read from the same tail as its history. They live in `state` snapshots
 * and in each turn's running `sum`; a reset ends them (a reset writes the snapshot that should survive it). Because
 * only the tail is read, a snapshot that has scrolled far back is written again with the next answer
 * (`carryForward`), so settings never fall out of view however long the conversation runs.
 */
export interface ConversationState {
  persona: string | undefined;
  model: string | undefined;
  usage: UsageSum | undefined;
}

export function readState(records: readonly HistoryRecord[]): ConversationState {
  let settings: StateRecord | undefined;
  let usage: UsageSum | undefined;
  for (let index = records.length - 1; index >= 0 && (settings === undefined || usage === undefined); index -= 1) {
    const record = records[index];
    if (record === undefined || record.t === 'reset') break;
    if (record.t === 'state') settings ??= record;
    if ((record.t === 'state' || record.t === 'turn') && record.sum) usage ??= record.sum;
  }
  return { persona: settings?.persona, model: settings?.model, usage };
}

/** The running total after one more turn; a turn counted by estimate (no figures from the provider) marks it. */
export function addUsage(previous: UsageSum | undefined, turn: { counted: ChatUsage; estimated: boolean; at: number }): UsageSum {
  const { counted } = turn;
  const estimated = (previous?.estimated ?? false) || turn.estimated;
  return {
    turns: (previous?.turns ?? 0) + 1,
    prompt: (previous?.prompt ?? 0) + counted.promptTokens,
    completion: (previous?.completion ?? 0) + counted.completionTokens,
    since: previous?.since ?? turn.at,
    ...(estimated ? { estimated } : {}),
  };
}

/** A state record holding `state`, for a message's answer. */
export function stateRecord(id: string, at: number, state: ConversationState): StateRecord {
  return {
    t: 'state',
    id,
    at,
    ...(state.persona === undefined ? {} : { persona: state.persona }),
    ...(state.model === undefined ? {} : { model: state.model }),
    ...(state.usage === undefined ? {} : { sum: state.usage }),
  };
}

/**
 * Whether the state should be written again: there is state to keep and the last record holding it (a snapshot;
 * for the token count alone, also a turn with its running sum) is more than `withinBytes` from the end of what was
 * read (or not in it at all).
 */
export function needsCarryForward(records: readonly HistoryRecord[], state: ConversationState, withinBytes: number): boolean {
  const settings = state.persona !== undefined || state.model !== undefined;
  if (!settings && state.usage === undefined) return false;
  let bytes = 0;
  for (let index = records.length - 1; index >= 0; index -= 1) {
    const record = records[index];
    if (record === undefined) continue;
    if (record.t === 'state' || (!settings && record.t === 'turn' && record.sum)) return bytes > withinBytes;
    bytes += Buffer.byteLength(serializeRecord(record));
  }
  return true;
}
