import { needsCarryForward, stateRecord, type ConversationState } from '../history/conversation-state';
import type { StateRecord, TerminalRecord } from '../history/records';
import type { Answer } from './answer';
import type { TurnView } from './turn-view';
import { RESET_DONE } from './user-messages';

/**
 * The records an answer leaves after `view`: its own, with the reply stored in the terminal record (a retry sends
 * exactly that, without asking the model again), and the conversation's state again when its last copy is about to
 * scroll out of the tail that the next turn reads.
 */
export function recordsFor(answer: Answer, view: TurnView, tailBytes: number): readonly [TerminalRecord, ...StateRecord[]] {
  const [terminal, ...states] = answer.build(view);
  // What went into an AI card is not sent again as markdown.
  const records: [TerminalRecord, ...StateRecord[]] = [withReply(terminal, answer.delivered ? '' : answer.text), ...states];
  if (states.length > 0 || answer.reset) return records;
  const after = [...view.records, ...records];
  const state = stateAfter(view.state, terminal);
  if (needsCarryForward(after, state, tailBytes / 4)) records.push(stateRecord(terminal.id, terminal.at, state));
  return records;
}

/**
 * The state once `terminal` follows a view holding `before` (what readState would find in both): a reset ends it, a
 * turn's running sum is the newest token count.
 */
function stateAfter(before: ConversationState, terminal: TerminalRecord): ConversationState {
  if (terminal.t === 'reset') return { persona: undefined, model: undefined, usage: undefined };
  return terminal.t === 'turn' && terminal.sum ? { ...before, usage: terminal.sum } : before;
}

function withReply(terminal: TerminalRecord, text: string): TerminalRecord {
  if (terminal.t === 'turn') return text === terminal.assistant ? terminal : { ...terminal, reply: text };
  if (terminal.t === 'done') return { ...terminal, reply: text };
  return terminal;
}

/** What a terminal record says the user was to be sent ('' when it all went into an AI card). */
export function storedReply(terminal: TerminalRecord): string {
  if (terminal.t === 'turn') return terminal.reply ?? terminal.assistant;
  if (terminal.t === 'done') return terminal.reply ?? '';
  return RESET_DONE;
}
