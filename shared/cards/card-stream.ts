import { cutMarkdown } from './cut-markdown';
import type { Logger } from '../logging/logger';
import { type CardTimers, createCardLane } from './card-lane';
import type { CardSurface } from './card-surface';
import { FIRST_SEGMENT, hasContent, nextSegment, rebase, segmentText } from './card-segments';

export type { CardTimers } from './card-lane';

/** How a card shows the answer: updated while it grows, or only once, when it is complete. */
export type CardStreamMode = 'stream' | 'final-only';

export interface CardStreamOptions {
  /** The cards of the message's chat (its gate is the caller's business). */
  cards: Omit<CardSurface, 'gate'>;
  /** Stable per message; card k is `${outTrackIdBase}-${k}`, so an FC retry finds its crashed attempt's. */
  outTrackIdBase: string;
  /** An FC retry of this message: card 0 may exist already and is taken over rather than sent twice. */
  resume: boolean;
  /**
   * 'stream' (the default): updates as the text grows. 'final-only': no update is sent, only the card's creation and
   * its final text, the cheapest card there is (a step of the API budget: docs/controls.md §3). A cardCadence's
   * mode and numbers fit here as they are, once its 'none' (no card) is handled.
   */
  mode?: CardStreamMode;
  minIntervalMs: number;
  minGrowthChars: number;
  /** A card never holds more; the answer continues in a further card. */
  maxCardChars: number;
  /** The text of a freshly created card. */
  placeholder: string;
  /** What a card shows when the card API failed and the answer goes out as messages. */
  fallbackNote: string;
  logger: Logger;
  now: () => number;
  /** Default setTimeout/clearTimeout. */
  timers?: CardTimers;
}

export interface CardStream {
  /** Creates (on resume: takes over) card 0. Never throws; false: no card, answer with markdown instead. */
  open(): Promise<boolean>;
  /** The whole display text so far, sent when the throttle allows. Never throws. */
  update(text: string): void;
  /** Writes the final text, in as many cards as it needs. Never throws; a second finish or fail gets this result. */
  finish(text: string): Promise<CardStreamResult>;
  /** As finish, for a text that ends in an error message: the last card is finished as failed. */
  fail(text: string): Promise<CardStreamResult>;
  /** What made a card call fail, once one has: a limit DingTalk answered with is reported to every instance. */
  readonly failure: { error: unknown } | undefined;
}

export interface CardStreamResult {
  /** Every part of the text is in a finalized card. */
  delivered: boolean;
  /** The part of the text no finalized card shows ('' when delivered), for the caller to send as markdown. */
  remainder: string;
  /** Cards created (card 0 taken over on resume does not count). */
  cards: number;
  /** Non-final streaming calls sent. */
  updates: number;
  /** now() when DingTalk had accepted the first non-final update with text. */
  firstUpdateAt?: number;
  /** The card API failure, when not delivered. */
  error?: unknown;
}

const DEFAULT_TIMERS: CardTimers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Streams one answer into AI cards, continuing in a further card before one grows too long to render. The first
 * failed call ends the cards for this answer: the current card is closed as failed with `fallbackNote`, and
 * finish/fail hand back what no finalized card shows, for the caller to send as markdown.
 */
export function startCardStream(options: CardStreamOptions): CardStream {
  const { cards, logger } = options;
  const counts = { cards: 0, updates: 0 };
  let segment = FIRST_SEGMENT;
  let cardExists = false;
  /** Whether the current card has had a streaming call (an update, or the take-over on resume). */
  let cardStreamed = false;
  const finalOnly = options.mode === 'final-only';
  let firstUpdateAt: number | undefined;
  let opening: Promise<boolean> | undefined;
  let closed: Promise<CardStreamResult> | undefined;
  const trackId = (): string => `${options.outTrackIdBase}-${segment.index}`;
  const lane = createCardLane({
    minIntervalMs: options.minIntervalMs,
    minGrowthChars: options.minGrowthChars,
    now: options.now,
    timers: options.timers ?? DEFAULT_TIMERS,
    send,
    onFailure,
  });

  async function send(text: string): Promise<void> {
    await settle(text);
    if (!hasContent(segment, text)) return;
    const content = segmentText(segment, text);
    if (cardExists) {
      await cards.stream({ outTrackId: trackId(), content, finalize: false });
      cardStreamed = true;
      counts.updates += 1;
    } else await createCard(content);
    firstUpdateAt ??= options.now();
  }

  /** Finalizes every card the text has filled; with `final`, the last one too. */
  async function settle(text: string, final?: { failed: boolean }): Promise<void> {
    segment = rebase(segment, text);
    for (;;) {
      const content = segmentText(segment, text);
      const cut = cutMarkdown(content, options.maxCardChars);
      if (!cut) {
        if (final && (cardExists || hasContent(segment, text))) await finalizeCard(content, final.failed);
        return;
      }
      const next = nextSegment(segment, text, cut);
      // Only whitespace before the cut: not worth a card; the current one goes on with what follows.
      if (cut.head.trim() === '') {
        segment = { ...next, index: segment.index };
        continue;
      }
      const last = final !== undefined && !hasContent(next, text);
      await finalizeCard(cut.head, last && final.failed);
      segment = next;
      cardExists = false;
      if (last) return;
    }
  }

  async function createCard(content: string): Promise<void> {
    await cards.create({ outTrackId: trackId(), content });
    counts.cards += 1;
    cardExists = true;
    cardStreamed = false;
    logger.info('AI card created', { card: segment.index });
  }

  async function finalizeCard(content: string, failed: boolean): Promise<void> {
    if (!cardExists) await createCard(content);
    // A card nothing was streamed into shows its card data: the finish alone writes the final text there, as the
    // DingTalk SDK's AICardReplier.finish does (docs/controls.md §3). Streamed cards also end their stream.
    if (!finalOnly || cardStreamed) await cards.stream({ outTrackId: trackId(), content, finalize: true, error: false });
    await cards.finish({ outTrackId: trackId(), content, failed });
    logger.info('AI card finalized', { card: segment.index, failed, chars: content.length });
  }

  /** Card 0; on resume, the card a crashed attempt left behind, if DingTalk still lets us stream into it. */
  async function openFirstCard(): Promise<void> {
    if (options.resume) {
      try {
        await cards.stream({ outTrackId: trackId(), content: options.placeholder, finalize: false });
        cardExists = true;
        cardStreamed = true;
        logger.info('AI card taken over from an earlier attempt', { card: segment.index });
        return;
      } catch (error) {
        logger.info('no AI card to take over; creating it', { error });
      }
    }
    await createCard(options.placeholder);
  }

  /** A card left processing looks hung: close it as failed, best effort (it may not exist: a create failed). */
  async function onFailure(error: unknown): Promise<void> {
    logger.warn('AI card failed; the rest goes out as messages', { error, card: segment.index, ...counts });
    const outTrackId = trackId();
    const content = options.fallbackNote;
    const closing = [
      ...(!finalOnly || cardStreamed ? [() => cards.stream({ outTrackId, content, finalize: true, error: false })] : []),
      () => cards.finish({ outTrackId, content, failed: true }),
    ];
    for (const call of closing) {
      await call().catch((closeError: unknown) => {
        logger.warn('closing the failed AI card failed too', { error: closeError, card: segment.index });
      });
    }
  }

  function close(text: string, failed: boolean): Promise<CardStreamResult> {
    closed ??= (async () => {
      // First stop the updates, so none can start between here and the final text.
      await lane.stop();
      const opened = opening !== undefined && (await opening);
      if (opened && !lane.failure) await lane.run(() => settle(text, { failed }));
      const failure = opened ? lane.failure : (lane.failure ?? { error: new Error('the AI card was never opened') });
      logger.info('AI card stream closed', { delivered: !failure, failed, ...counts });
      return {
        delivered: !failure,
        remainder: failure ? segmentText(rebase(segment, text), text) : '',
        ...counts,
        ...(firstUpdateAt === undefined ? {} : { firstUpdateAt }),
        ...(failure ? { error: failure.error } : {}),
      };
    })();
    return closed;
  }

  return {
    open() {
      opening ??= closed
        ? Promise.resolve(false)
        : lane.run(openFirstCard).then(() => {
            // In final-only mode the lane never starts: updates are kept as the latest text, and never sent.
            if (!lane.failure && !closed && !finalOnly) lane.start();
            return !lane.failure;
          });
      return opening;
    },
    update: (text) => lane.update(text),
    finish: (text) => close(text, false),
    fail: (text) => close(text, true),
    get failure() {
      return lane.failure;
    },
  };
}
