import type { CardSurface } from '../cards/card-surface';
import type { FcContext } from '../fc/context';
import type { HttpRequest, HttpResponse } from '../fc/http-event';

/**
 * The seam between the places people talk to the bot (channels) and the one turn pipeline (shared/turn/). A channel
 * has two halves, one per function:
 * - in the callback function, a route that verifies and parses the platform's request and hands the message to the
 *   worker as a WorkerEvent carrying the channel's name (shared/worker/worker-event.ts);
 * - in the worker, a `Channel` that checks that message again with the channel's own schema, puts it into the
 *   neutral InboundMessage, and binds the way back: reply, and optionally cards and media.
 * The pipeline sees only this file's types. A new channel is a folder beside shared/channels/dingtalk/ with both
 * halves, one line in each function's wiring, and its name in CHANNEL_NAMES (docs/architecture.md).
 */
export const CHANNEL_NAMES = ['dingtalk', 'wechat', 'group-robot'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

/** What a message carries that the turn can use: text and the pictures the channel's media can fetch. */
export type InboundContent =
  | { kind: 'input'; text: string; images: readonly string[] }
  /** Something the bot cannot read (a file, a location, a voice message without recognition text). */
  | { kind: 'unsupported'; type: string }
  /**
   * The sender asked to be forgotten, or left (WeChat's unsubscribe): the pipeline deletes the conversation's history
   * (the object `新对话` deletes, and the archived copies it links to), calls the turn's `forgetSender`, records
   * nothing and sends no reply: the sender is gone. For a group whose members share one history, that is the group's.
   */
  | { kind: 'forget' };

/** One message as the turn pipeline sees it, whatever channel it came from. */
export interface InboundMessage {
  channel: ChannelName;
  /** The channel's id of this message: the same on every redelivery and retry (DingTalk msgId, WeChat MsgId). */
  id: string;
  /** The robot or account that received it; with `id` it names the message's claim, so two robots never collide. */
  account: string;
  /** The conversation whose history the message joins; `group` when several people share the chat. */
  conversation: { id: string; group: boolean };
  /** Who sent it: a stable id (never a nickname) and a display name for group speaker labels. */
  sender: { id: string; name?: string };
  /** The people the message @-mentions, by the same kind of id as `sender.id` (the robot itself left out). */
  mentions?: readonly string[];
  content: InboundContent;
}

export interface ReplyOptions {
  /** Parts an earlier attempt already delivered (DeliveryError.deliveredParts): they are not sent again. */
  skipParts?: number;
}

export interface ReplyResult {
  /** How many parts the answer splits into; the same on every attempt for the same text and settings. */
  parts: number;
  /** Parts not sent now because `skipParts` said an earlier attempt had. */
  skipped: number;
}

/**
 * Bytes several downloads share (the pictures of one message): each chunk read is taken from it, and a download that
 * finds it spent fails with MEDIA_TOTAL_TOO_LARGE and gives back what it had taken.
 */
export interface ByteAllowance {
  /** False, taking nothing, when fewer than `bytes` are left. */
  take(bytes: number): boolean;
  release(bytes: number): void;
}

export type ImageMimeType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

/**
 * A channel's media: fetches a picture `content.images` names, as a data URL for the model, taking its bytes from
 * `allowance` as they arrive. Throws MediaError (shared/errors.ts) when it cannot.
 */
export interface ImageFetcher {
  downloadImage(input: { downloadCode: string; allowance?: ByteAllowance }): Promise<{ dataUrl: string; bytes: number; mimeType: ImageMimeType }>;
}

/** One message bound to the way back to its chat. */
export interface ChannelTurn<Cards = CardSurface, Media = ImageFetcher> {
  message: InboundMessage;
  /**
   * Sends an answer, in as many parts as the channel needs. Throws DeliveryError (shared/errors.ts), saying how many
   * parts went out and whether a retry could help, when a part certainly did not reach the chat.
   */
  reply(text: string, options?: ReplyOptions): Promise<ReplyResult>;
  /** Streaming cards, when the channel has them and this chat can receive one. */
  cards?: Cards;
  /** Fetches the pictures `content.images` names. */
  media?: Media;
  /** Deletes what the channel itself keeps about the sender; called for a `forget` message, after the history. */
  forgetSender?: () => Promise<void>;
  /**
   * How many of the platform's metered API calls this turn has made so far (DingTalk: OpenAPI calls, the token fetch
   * included, the session webhook not: docs/controls.md §3). Read when the turn settles its ledger reservation;
   * absent on channels whose API has no monthly quota to share.
   */
  apiCalls?: () => number;
}

/** The worker's half of a channel. */
export interface Channel<Cards = CardSurface, Media = ImageFetcher> {
  readonly name: ChannelName;
  /** Checks a WorkerEvent's `message` with the channel's own schema; throws PayloadParseError when it does not fit. */
  open(message: unknown): ChannelTurn<Cards, Media>;
}

/** The callback's half of a channel: the requests of one path of the HTTP trigger. */
export interface ChannelRoute {
  /** The trigger path it serves, as FC gives it in `rawPath` ('/' for DingTalk, '/wechat', '/push'). */
  readonly path: string;
  handle(request: HttpRequest, context: FcContext): Promise<HttpResponse>;
}
