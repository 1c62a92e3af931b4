import { randomUUID } from 'node:crypto';
import { signDingTalkTimestamp } from '../shared/channels/dingtalk/verify-signature';

export interface CallbackOptions {
  text: string;
  sessionWebhook: string;
  robotCode: string;
  group?: boolean;
  user?: string;
  nick?: string;
  msgId?: string;
  now?: number;
}

/** A callback body shaped like DingTalk's (docs/dingtalk.md §1): a text message, 1:1 or an @-mention in a group. */
export function buildTextCallback(options: CallbackOptions): Record<string, unknown> {
  const now = options.now ?? Date.now();
  const user = options.user ?? 'local-user';
  return {
    conversationId: options.group ? 'cidLocalGroup==' : `cidLocal-${user}==`,
    conversationType: options.group ? '2' : '1',
    ...(options.group ? { conversationTitle: '本地测试群', isInAtList: true } : {}),
    msgId: options.msgId ?? `msg${randomUUID().replace(/-/g, '')}`,
    createAt: now,
    senderId: `$:LWCP_v1:$${user}`,
    senderStaffId: user,
    senderNick: options.nick ?? user,
    chatbotUserId: '$:LWCP_v1:$local-bot',
    robotCode: options.robotCode,
    sessionWebhook: options.sessionWebhook,
    sessionWebhookExpiredTime: now + 90 * 60 * 1000,
    msgtype: 'text',
    text: { content: options.group ? ` ${options.text}` : options.text },
  };
}

/** Where `npm run chat` receives the robot's session-webhook replies; the local stack allows this host. */
export const chatReceiverPort = (env: Readonly<Record<string, string | undefined>>): number => Number(env['LOCAL_CHAT_PORT'] ?? 9001);
export const chatReceiverHost = (env: Readonly<Record<string, string | undefined>>): string => `127.0.0.1:${chatReceiverPort(env)}`;

/** The headers DingTalk signs a callback with: HMAC-SHA256 of `timestamp\nappSecret`, keyed by the app secret. */
export function signedHeaders(appSecret: string, nowMs: number = Date.now()): Record<string, string> {
  const timestamp = String(nowMs);
  return { 'content-type': 'application/json; charset=utf-8', timestamp, sign: signDingTalkTimestamp(appSecret, timestamp) };
}
