import type { ConversationView } from '../history/conversation-history';
import type { ClaimState } from '../history/message-claims';
import { isTerminal, parseRecords, terminalRecordOf, type StateRecord, type TerminalRecord } from '../history/records';
import type { TurnDependencies } from './turn-dependencies';

/** What a message's earlier runs left (handle-message.ts): a record that it was answered, or a reply to resume. */

/**
 * Whether an earlier run already answered: its terminal record is in the history. A run of this same delivery whose
 * lease is still live may be a twin running right now (FC ran the event twice): it is given a few seconds to record.
 */
export async function answeredBefore(view: ConversationView, claim: Exclude<ClaimState, { kind: 'new' | 'busy' }>, msgId: string, deps: TurnDependencies): Promise<boolean> {
  const until = deps.now() + (claim.kind === 'resumed' && claim.live ? TWIN_WAIT_MS : 0);
  // The first look searches as deep as it must (the whole object, the archive); a twin's record, if it comes, comes
  // at the end, so later looks read only the tail.
  if (await deps.history.findTerminal(view, msgId, claim.since).catch(() => undefined)) return true;
  // Bounded by looks as well as by time, so that no clock can keep a turn here.
  for (let look = 1; look <= TWIN_WAIT_MS / LOOK_EVERY_MS && deps.now() < until; look += 1) {
    await new Promise((resolve) => setTimeout(resolve, LOOK_EVERY_MS));
    const tail = await deps.history.open(view.key).catch(() => undefined);
    if (tail && terminalRecordOf(tail.records, msgId)) return true;
  }
  return false;
}

/** The records an earlier run stored with its undelivered reply, when they read as a terminal record first. */
export function storedRecords(lines: string | undefined): [TerminalRecord, ...StateRecord[]] | undefined {
  const records = parseRecords(lines ?? '').records;
  const [first] = records;
  return first !== undefined && isTerminal(first) ? (records as [TerminalRecord, ...StateRecord[]]) : undefined;
}

/** How long a resumed run waits for a twin's record before it answers itself (a crashed run never records). */
const TWIN_WAIT_MS = 3_000;
const LOOK_EVERY_MS = 250;
