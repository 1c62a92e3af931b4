/**
 * When the next streaming update of an AI card is due. Per-chunk updates make the card crawl and burn the card API
 * quota (docs/dingtalk.md "AI card pitfalls"), so an update waits for both time and growth; a stream too
 * slow to grow by `minGrowthChars` is still shown after three intervals, so the card never looks frozen.
 */
export interface CardThrottleOptions {
  minIntervalMs: number;
  /** In code points, so a Chinese answer and an English one move alike. */
  minGrowthChars: number;
}

export interface CardThrottle {
  /** Milliseconds from `now` until `text` is due: 0 = send it now; undefined = nothing new to send. */
  dueIn(text: string, now: number): number | undefined;
  /** Records that a call showing `text` started at `at`. */
  sent(text: string, at: number): void;
}

export function createCardThrottle(options: CardThrottleOptions): CardThrottle {
  let sentText = '';
  let sentAt: number | undefined;
  return {
    dueIn(text, now) {
      if (text === sentText) return undefined;
      // The first text goes out at once: the user should see the answer start as soon as it does.
      if (sentAt === undefined) return 0;
      const wait = growth(sentText, text) >= options.minGrowthChars ? options.minIntervalMs : 3 * options.minIntervalMs;
      return Math.max(0, sentAt + wait - now);
    },
    sent(text, at) {
      sentText = text;
      sentAt = at;
    },
  };
}

/** Code points added; a text that changed other than by growing counts as at least 1, so it is shown eventually. */
function growth(before: string, after: string): number {
  if (after.startsWith(before)) return countCodePoints(after.slice(before.length));
  return Math.max(1, Math.abs(countCodePoints(after) - countCodePoints(before)));
}

function countCodePoints(text: string): number {
  let count = 0;
  for (const _codePoint of text) count += 1;
  return count;
}
