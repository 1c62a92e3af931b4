/**
 * WeChat waits 5 s for a reply and, without one, sends the same request again, three requests in all ~5 s apart; any
 * body, even an empty one, ends the retries (docs/wechat.md §5). So a request waits for the answer up to `windowMs`;
 * the first two, if it is not ready, are held past WeChat's 5 s (`holdMs`) so that WeChat asks again, and the last
 * one (seen `lastAttemptAfterMs` after the first) tells the user how to fetch the answer later.
 */
export interface PassiveTiming {
  windowMs: number;
  holdMs: number;
  lastAttemptAfterMs: number;
  pollMs: number;
  /** A 继续 waits only for an answer whose message came at most this long ago; an older one is not coming. */
  pendingForMs: number;
}

export const PASSIVE_TIMING: PassiveTiming = {
  windowMs: 4500,
  holdMs: 5600,
  lastAttemptAfterMs: 8000,
  pollMs: 300,
  pendingForMs: 15 * 60_000,
};

/** The same timing for a platform that waits `waitMs` per request instead of WeChat's 5000 (the local stack's stand-in). */
export function scaledPassiveTiming(waitMs: number): PassiveTiming {
  const scale = (ms: number) => Math.round((ms * waitMs) / 5000);
  return {
    windowMs: scale(PASSIVE_TIMING.windowMs),
    holdMs: scale(PASSIVE_TIMING.holdMs),
    lastAttemptAfterMs: scale(PASSIVE_TIMING.lastAttemptAfterMs),
    pollMs: Math.max(20, scale(PASSIVE_TIMING.pollMs)),
    pendingForMs: PASSIVE_TIMING.pendingForMs,
  };
}
