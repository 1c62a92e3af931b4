import { buildTextCallback, signedHeaders } from '../../local/dingtalk-callback';
import { workerTaskId } from '../../shared/channels/dingtalk/handle-callback';
import { toInboundMessage } from '../../shared/channels/dingtalk/inbound';
import { DingTalkCallbackSchema } from '../../shared/channels/dingtalk/schema';
import { conversationKey } from '../../shared/history/conversation-key';
import { parseWith } from '../../shared/validation/parse';
import { STAND_IN_APP_KEY, STAND_IN_APP_SECRET } from '../../local/dingtalk/dingtalk-stand-in';
import type { FaultBook } from './fault-book';
import type { SoakMessage } from './plan';
import { HISTORY_PREFIX, type SoakStack } from './soak-stack';

/**
 * Sends every message as DingTalk would, a signed callback to the HTTP trigger, at most one at a time per
 * conversation (so an untagged reply names its message) and `concurrency` at a time overall. A message is settled
 * once its callbacks were answered and FC has nothing of it left to run. A DingTalk redelivery posts the same body
 * again with a fresh timestamp and signature, after the planned delay; the "forgotten" kind first makes the local
 * invoke API forget the message's task id, so the duplicate reaches the worker.
 */
export interface DriverProgress {
  settled: number;
  callbackFailures: string[];
  unsettled: string[];
}

export const historyKeyOf = (body: Record<string, unknown>): string =>
  conversationKey(toInboundMessage(parseWith(DingTalkCallbackSchema, body)), { prefix: HISTORY_PREFIX, groupShared: false });

export function callbackBody(message: SoakMessage, sessionWebhook: string, now: number): Record<string, unknown> {
  const body = buildTextCallback({
    text: message.text, sessionWebhook, robotCode: STAND_IN_APP_KEY, user: message.user, msgId: message.msgId, now,
    ...(message.group === undefined ? {} : { group: true }),
  });
  return { ...body, conversationId: message.conversationId, ...(message.group === undefined ? {} : { conversationTitle: `测试群 ${message.group}` }) };
}

export async function drive(soak: SoakStack, messages: readonly SoakMessage[], book: FaultBook, options: { concurrency: number; deadline: number }) {
  const progress: DriverProgress = { settled: 0, callbackFailures: [], unsettled: [] };
  const waiting = [...messages];
  const busy = new Set<string>();

  async function post(message: SoakMessage, body: Record<string, unknown>): Promise<void> {
    const now = Date.now();
    try {
      const response = await fetch(`${soak.stack.url}/`, { method: 'POST', headers: signedHeaders(STAND_IN_APP_SECRET, now), body: JSON.stringify(body) });
      const text = await response.text();
      if (response.status !== 200) progress.callbackFailures.push(`${message.tag} HTTP ${response.status} ${text.slice(0, 200)}`);
    } catch (error) {
      progress.callbackFailures.push(`${message.tag} ${String(error)}`);
    }
  }

  async function run(message: SoakMessage): Promise<void> {
    const body = callbackBody(message, soak.webhookUrl(message), Date.now());
    const key = historyKeyOf(body);
    soak.inFlight.start(message, key);
    try {
      const posts = [post(message, body)];
      const kind = message.fault?.kind;
      if (kind === 'dingtalk-redelivery' || kind === 'dingtalk-redelivery-forgotten') {
        const delayMs = message.fault?.delayMs ?? 0;
        posts.push(sleep(delayMs).then(() => {
          book.note(message.msgId, kind);
          if (kind === 'dingtalk-redelivery-forgotten') soak.forgotten.add(workerTaskId(STAND_IN_APP_KEY, message.msgId));
          return post(message, body);
        }));
      }
      await Promise.all(posts);
      const marker = Buffer.from(`"${message.msgId}"`);
      while (soak.stack.workerInFlight((event) => event.includes(marker)) > 0) {
        if (Date.now() > options.deadline) return void progress.unsettled.push(message.tag);
        await sleep(25);
      }
      await soak.kills.settled(message.msgId);
      progress.settled += 1;
    } finally {
      soak.inFlight.end(message, key);
    }
  }

  async function lane(): Promise<void> {
    while (waiting.length > 0 && Date.now() < options.deadline) {
      const next = waiting.findIndex((message) => !busy.has(message.conversationId));
      if (next < 0) {
        await sleep(10);
        continue;
      }
      const [message] = waiting.splice(next, 1) as [SoakMessage];
      busy.add(message.conversationId);
      try {
        await run(message);
      } finally {
        busy.delete(message.conversationId);
      }
    }
  }

  const done = Promise.all(Array.from({ length: options.concurrency }, lane)).then(() => {
    progress.unsettled.push(...waiting.map((message) => message.tag));
  });
  return { progress, done };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
