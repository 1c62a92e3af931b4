import { type CardThrottleOptions, createCardThrottle } from './card-throttle';

export interface CardTimers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface CardLaneOptions extends CardThrottleOptions {
  now: () => number;
  timers: CardTimers;
  /** Shows `text` in the card(s): never two at once, and always the latest text. */
  send(text: string): Promise<void>;
  /** Called once, in the lane, when a call threw; the lane sends nothing after it. */
  onFailure(error: unknown): Promise<void>;
}

export interface CardLane {
  /** Runs `call` in the lane. Only when nothing is in flight: before `start`, or after `stop`. */
  run(call: () => Promise<void>): Promise<void>;
  /** From now on, updates are sent when the throttle allows. */
  start(): void;
  /** The whole text so far; intermediate texts are skipped. */
  update(text: string): void;
  /** No more updates: cancels the timer and waits until nothing is in flight. */
  stop(): Promise<void>;
  /** The failure that ended the lane, if one did. */
  readonly failure: { error: unknown } | undefined;
}

/**
 * One lane for every card call, one call at a time, each update carrying the latest text. Concurrent updates can
 * land out of order and roll the card back, and a queue of stale snapshots only costs quota ("single-flight,
 * latest-wins", docs/dingtalk.md "AI card pitfalls"). After a call completes, the lane looks again at
 * the latest text; while it is not yet due, one timer waits for the moment it will be by time.
 */
export function createCardLane(options: CardLaneOptions): CardLane {
  const throttle = createCardThrottle(options);
  let latest = '';
  let sending = false;
  let failure: { error: unknown } | undefined;
  let inFlight: Promise<void> | undefined;
  let timer: { handle: unknown; at: number } | undefined;

  function run(call: () => Promise<void>): Promise<void> {
    const running = (async () => {
      try {
        await call();
      } catch (error) {
        failure = { error };
        cancelTimer();
        await options.onFailure(error);
      }
      inFlight = undefined;
      kick();
    })();
    inFlight = running;
    return running;
  }

  async function sendLatest(): Promise<void> {
    const text = latest;
    const startedAt = options.now();
    await options.send(text);
    throttle.sent(text, startedAt);
  }

  function kick(): void {
    if (!sending || failure || inFlight) return;
    const now = options.now();
    const wait = throttle.dueIn(latest, now);
    if (wait === undefined || wait === 0) {
      cancelTimer();
      if (wait === 0) void run(sendLatest);
      return;
    }
    if (timer?.at === now + wait) return;
    cancelTimer();
    const handle = options.timers.set(() => {
      timer = undefined;
      kick();
    }, wait);
    timer = { handle, at: now + wait };
  }

  function cancelTimer(): void {
    if (timer) options.timers.clear(timer.handle);
    timer = undefined;
  }

  return {
    run,
    start() {
      sending = true;
      kick();
    },
    update(text) {
      latest = text;
      kick();
    },
    async stop() {
      sending = false;
      cancelTimer();
      while (inFlight) await inFlight;
    },
    get failure() {
      return failure;
    },
  };
}
