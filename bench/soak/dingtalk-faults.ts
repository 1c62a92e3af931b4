import type { StandInMessage } from '../../local/dingtalk/dingtalk-stand-in';
import type { FaultBook } from './fault-book';
import { directConversation, type InFlight } from './in-flight';
import type { Kills } from './kills';
import { tagIn } from './plan';
import { drop, relay, sendText, type FaultHook } from './proxy';

/**
 * Faults between the worker and the fake DingTalk: a kill before a reply reaches it or after it recorded the reply
 * (before its answer gets back), session webhooks that fail (errcode -1, "system busy") or answer only after the
 * worker's 10 s HTTP timeout, having recorded the reply. Each reply the fake records is stamped on the soak's clock
 * and attributed to a message: a session webhook by its session (one per message), an OpenAPI send by the tag the
 * fake model echoes, else (an error text) by the one message in flight in that conversation.
 */
export interface Delivery {
  msgId: string | undefined;
  seq: number;
  via: StandInMessage['via'];
  text: string;
}

export const SLOW_WEBHOOK_MS = 11_000;
const DELIVERY_PATHS = ['/robot/sendBySession', '/v1.0/robot/oToMessages/batchSend', '/v1.0/robot/groupMessages/send'];

export interface DingTalkFaultDeps {
  book: FaultBook;
  kills: Kills;
  clock: () => number;
  inFlight: InFlight;
  /** The fake DingTalk's own record of what users were sent. */
  recorded: readonly StandInMessage[];
  bySession: (session: string) => string | undefined;
  byTag: (tag: string) => string | undefined;
}

export function dingtalkFaults(deps: DingTalkFaultDeps) {
  const deliveries: Delivery[] = [];

  const attribute = (message: Pick<StandInMessage, 'via' | 'session' | 'text' | 'conversationId' | 'userIds'>): string | undefined => {
    if (message.session !== undefined) return deps.bySession(message.session);
    const tag = tagIn(message.text);
    if (tag !== undefined) return deps.byTag(tag);
    const conversation = message.conversationId ?? directConversation(message.userIds?.[0] ?? '');
    return deps.inFlight.inConversation(conversation);
  };

  /** Stamps what the fake recorded since the last look (it records before it answers). */
  function stamp(): void {
    for (const message of deps.recorded.slice(deliveries.length)) {
      deliveries.push({ msgId: attribute(message), seq: deps.clock(), via: message.via, text: message.text });
    }
  }

  const hook: FaultHook = async (request, forward, response) => {
    const url = new URL(request.url, 'http://fake');
    if (request.method !== 'POST' || !DELIVERY_PATHS.includes(url.pathname)) return void (await relay(response, await forward()));
    const webhook = url.pathname === '/robot/sendBySession';
    const msgId = attribute(webhook ? { via: 'webhook', session: url.searchParams.get('session') ?? '', text: '' } : openApiTarget(request.body));
    if (await deps.kills.fencedOff(msgId)) return drop(response);
    if (msgId !== undefined && deps.book.take(msgId, 'kill-before-delivery')) {
      await deps.kills.kill(msgId, 'kill-before-delivery');
      return drop(response);
    }
    if (webhook && deps.book.take(msgId, 'webhook-fail')) {
      return sendText(response, 200, 'application/json', JSON.stringify({ errcode: -1, errmsg: '系统繁忙' }));
    }
    const reply = await forward();
    stamp();
    if (msgId !== undefined && deps.book.take(msgId, 'kill-after-delivery')) {
      await deps.kills.kill(msgId, 'kill-after-delivery');
      return drop(response);
    }
    if (webhook && deps.book.take(msgId, 'webhook-slow')) await new Promise((resolve) => setTimeout(resolve, SLOW_WEBHOOK_MS));
    await relay(response, reply);
  };
  return { hook, deliveries, stamp };
}

/** What an OpenAPI send names: its text (msgParam), and the group or the user it goes to. */
function openApiTarget(body: Buffer): Pick<StandInMessage, 'via' | 'text' | 'conversationId' | 'userIds'> {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { msgParam?: string; openConversationId?: string; userIds?: string[] };
    const param = JSON.parse(parsed.msgParam ?? '{}') as { text?: string; content?: string };
    const text = param.text ?? param.content ?? '';
    if (parsed.openConversationId !== undefined) return { via: 'groupSend', text, conversationId: parsed.openConversationId };
    return { via: 'batchSend', text, userIds: parsed.userIds ?? [] };
  } catch {
    return { via: 'batchSend', text: '' };
  }
}
