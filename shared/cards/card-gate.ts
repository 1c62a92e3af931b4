/**
 * Whether this warm instance may try AI cards now. After a card API failure (rate limit, outage, a template or
 * permission mistake) answers go out as markdown for a cool-down, instead of paying a failed card call on every
 * message (docs/dingtalk.md, "AI card pitfalls": degrade, and do not retry the card for a while).
 */
export interface CardGate {
  isOpen(): boolean;
  trip(): void;
}

export function createCardGate(options: { now: () => number; cooldownMs: number }): CardGate {
  let closedUntil = 0;
  return {
    isOpen: () => options.now() >= closedUntil,
    trip() {
      closedUntil = options.now() + options.cooldownMs;
    },
  };
}

/** Ten minutes: long enough to ride out a QPS limit or an outage, short enough that a fixed template is soon used. */
export const CARD_COOLDOWN_MS = 10 * 60_000;
