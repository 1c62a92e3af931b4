import { readState, type ConversationState } from '../history/conversation-state';
import type { ConversationView } from '../history/conversation-history';

/**
 * A conversation as one turn read it, with its state (persona, model, token count) read once, when the records were.
 * Every step of the turn takes the state from here; only a newer read (the records after someone else appended
 * first) is read again, as a TurnView of its own.
 */
export interface TurnView extends ConversationView {
  readonly state: ConversationState;
}

export const turnView = (view: ConversationView): TurnView => ({ ...view, state: readState(view.records) });

/** `latest` as a TurnView: the opened view itself when nothing was appended since, else a fresh read of its state. */
export const laterView = (opened: TurnView, latest: ConversationView): TurnView =>
  latest === opened || latest.records === opened.records ? opened : turnView(latest);
