import type { ConversationView } from '../history/conversation-history';
import type { ClaimState } from '../history/message-claims';
import { parseRecords, type StateRecord, type TerminalRecord } from '../history/records';
import type { TurnDependencies } from './turn-dependencies';

/** What a message's earlier runs left (handle-message.ts): a record that it was answered, or a reply to resume. */

/**
 * Whether an earlier run already answered: its terminal record is in the history. A run of this same delivery whose
 * lease is still live may be a twin running right now (FC ran the event twice): it is given a few seconds to record.
 */
export async function answeredBefore(view: ConversationView, claim: Exclude<ClaimState, { kind: 'new' | 'busy' }>, msgId: string, deps: TurnDependencies): Promise<boolean> {
  const since = claim.kind === 'taken-over' ? claim.since : 0;
  const until = deps.now() + (claim.kind === 'resumed' && claim.live ? TWIN_WAIT_MS : 0);
  let current = view;
  // Bounded by looks as well as by time, so that no clock can keep a turn here.
  for (let look = 0; look <= TWIN_WAIT_MS / 250; look += 1) {
    if (await deps.history.findTerminal(current, msgId, since).catch(() => undefined)) return true;
    if (deps.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, 250));
    current = await deps.history.open(view.key).catch(() => current);
  }
  return false;
}

/** The records an earlier run stored with its undelivered reply, when they read as a terminal record first. */
export function storedRecords(lines: string | undefined): [TerminalRecord, ...StateRecord[]] | undefined {
  const records = parseRecords(lines ?? '').records;
  const [first] = records;
  if (first === undefined || (first.t !== 'turn' && first.t !== 'done' && first.t !== 'reset')) return undefined;
  return records as [TerminalRecord, ...StateRecord[]];
}

/** How long a resumed run waits for a twin's record before it answers itself (a crashed run never records). */
const TWIN_WAIT_MS = 3_000;
