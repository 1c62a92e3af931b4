import type { CardGate } from './card-gate';

/**
 * Streaming cards for one chat, as a channel binds them (shared/channels/channel.ts, `ChannelTurn.cards`): where an
 * answer can appear while it is written. Every call throws on failure; the caller falls back to plain replies.
 */
export interface CardSurface {
  /** Whether this warm instance may try cards now; tripped after a failure (card-gate.ts). */
  gate: CardGate;
  /** Creates card `outTrackId` in this chat, in the processing state, showing `content`. */
  create(input: { outTrackId: string; content: string }): Promise<void>;
  /** Replaces the card's text; `finalize` ends the stream. */
  stream(input: { outTrackId: string; content: string; finalize: boolean; error?: boolean }): Promise<void>;
  /** The final text, and finished or failed, so the card never looks hung. */
  finish(input: { outTrackId: string; content: string; failed: boolean }): Promise<void>;
}
