import type { StandInCard, StandInCardRoute } from './stand-in-cards';
import type { StandInMessage } from './stand-in-messages';

/**
 * What the DingTalk stand-in tells its observers (the local playground shows deliveries and AI cards live from it):
 * a message once it is delivered, and a card after each card API call, with the card as the user sees it then.
 * Events carry copies, so a listener may keep them while the card goes on changing.
 */
export type StandInEvent =
  | { kind: 'message'; message: StandInMessage; at: number }
  | { kind: 'card'; card: StandInCard; route: StandInCardRoute; status: number; at: number };

export type StandInListener = (event: StandInEvent) => void;

export function createStandInEvents() {
  const listeners = new Set<StandInListener>();
  const emit = (event: StandInEvent): void => {
    for (const listener of [...listeners]) {
      // An observer's mistake must not fail the DingTalk call being answered.
      try {
        listener(event);
      } catch {
        // ignored on purpose: see above
      }
    }
  };
  return {
    /** Calls `listener` after each recorded message and card call; the returned function unsubscribes. */
    subscribe(listener: StandInListener): () => void {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    message(message: StandInMessage): void {
      if (listeners.size > 0) emit({ kind: 'message', message: structuredClone(message), at: Date.now() });
    },
    card(card: StandInCard, route: StandInCardRoute, status: number): void {
      if (listeners.size > 0) emit({ kind: 'card', card: structuredClone(card), route, status, at: Date.now() });
    },
  };
}
