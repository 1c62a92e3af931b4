import type { StandInEvent } from '../dingtalk/dingtalk-stand-in';
import type { PlaygroundEvent } from './playground-api';
import { pageChatOfDelivery } from './playground-fixture';

export interface Delivery {
  conversationId: string;
  at: number;
  card?: 'created' | 'updated' | 'finalized';
}

/**
 * What the DingTalk stand-in received, as the page shows it: a message in the chat it was sent to, or the card's
 * state after a card call DingTalk accepted (a refused call changes nothing the user would see).
 */
export function feedOf(event: StandInEvent, sequence: number): { event: PlaygroundEvent; delivery: Delivery } | undefined {
  if (event.kind === 'message') {
    const { message } = event;
    const conversationId = pageChatOfDelivery(message);
    if (conversationId === undefined) return undefined;
    const page: PlaygroundEvent = {
      type: 'robot-message',
      conversationId,
      id: `m${sequence}`,
      via: message.via,
      // The stand-in records a text message with an empty title; a markdown message always has one.
      format: message.title === '' ? 'text' : 'markdown',
      title: message.title,
      text: message.text,
      atMemberIds: message.atUserIds ?? [],
      at: event.at,
    };
    return { event: page, delivery: { conversationId, at: event.at } };
  }
  const { card } = event;
  const conversationId = pageChatOfDelivery({ openSpaceId: card.openSpaceId });
  if (conversationId === undefined || event.status !== 200) return undefined;
  const failed = card.error || card.flowStatus === '5';
  const page: PlaygroundEvent = {
    type: 'card',
    conversationId,
    outTrackId: card.outTrackId,
    content: card.content,
    finalized: card.finalized || failed || card.flowStatus === '3',
    failed,
    atMemberIds: Object.keys(card.atUserIds ?? {}),
    at: event.at,
  };
  const step = event.route === 'cardCreate' ? 'created' : page.finalized ? 'finalized' : 'updated';
  return { event: page, delivery: { conversationId, at: event.at, card: step } };
}
