import type { CardGate } from '../../cards/card-gate';
import type { CardSurface } from '../../cards/card-surface';
import { parseWith } from '../../validation/parse';
import type { Channel, ChannelTurn, ImageFetcher } from '../channel';
import { type CallMeter, createCallMeter } from './call-meter';
import type { CardClient } from './card-client';
import { toInboundMessage } from './inbound';
import type { MessageFiles } from './message-files';
import type { Replier } from './replier';
import { DingTalkCallbackSchema, isGroup, type DingTalkMessage } from './schema';

export interface DingTalkChannelDependencies {
  replier: Replier;
  /** The AI card API and this instance's cool-down for it; undefined when cards are not configured. */
  cards: { client: CardClient; gate: CardGate } | undefined;
  files: MessageFiles;
}

/**
 * The worker's half of the DingTalk robot: a message the callback checked is checked again here (the worker trusts
 * no envelope), put into the neutral InboundMessage, and bound to its chat — the replier with its session webhook
 * and OpenAPI fallback, AI cards when this chat can get one, and picture downloads with the message's robotCode.
 * Each turn has its own meter of metered OpenAPI calls, which `apiCalls` reads (docs/controls.md §3).
 */
export function createDingTalkChannel(deps: DingTalkChannelDependencies): Channel {
  return {
    name: 'dingtalk',
    open(payload: unknown): ChannelTurn {
      const message = parseWith(DingTalkCallbackSchema, payload);
      const meter = createCallMeter();
      const cards = cardsFor(message, deps.cards, meter);
      return {
        message: toInboundMessage(message),
        reply: (text, options) => deps.replier.reply(message, text, { ...options, meter }),
        ...(cards ? { cards } : {}),
        media: mediaFor(message, deps.files, meter),
        apiCalls: () => meter.total(),
      };
    },
  };
}

/** A 1:1 card goes to the sender's staff id (docs/dingtalk.md §5): without one, this chat gets markdown only. */
function cardsFor(message: DingTalkMessage, cards: DingTalkChannelDependencies['cards'], meter: CallMeter): CardSurface | undefined {
  if (cards === undefined || (!isGroup(message) && !message.senderStaffId)) return undefined;
  const { client, gate } = cards;
  return {
    gate,
    create: ({ outTrackId, content }) => client.create({ outTrackId, message, content, meter }),
    stream: (input) => client.stream({ ...input, meter }),
    finish: (input) => client.finish({ ...input, meter }),
  };
}

function mediaFor(message: DingTalkMessage, files: MessageFiles, meter: CallMeter): ImageFetcher {
  const { robotCode } = message;
  return {
    downloadImage: ({ downloadCode, allowance }) =>
      files.downloadImage({ downloadCode, meter, ...(robotCode ? { robotCode } : {}), ...(allowance ? { allowance } : {}) }),
  };
}
