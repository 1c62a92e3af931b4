import { randomUUID } from 'node:crypto';
import { signDingTalkTimestamp } from '../shared/channels/dingtalk/verify-signature';

export interface CallbackOptions {
  /** What the member typed; '' (or absent) for an @-mention with nothing else, which asks the robot for help. */
  text?: string;
  sessionWebhook: string;
  robotCode: string;
  /** A group message, which reaches the robot only as an @-mention of it (docs/dingtalk.md §1). */
  group?: boolean;
  /** The conversation's id; by default one group for every local member, one 1:1 conversation per member. */
  conversationId?: string;
  conversationTitle?: string;
  /** The sender's staff id (`local-user` by default); their nick defaults to it. */
  user?: string;
  nick?: string;
  /** Other people @-mentioned, picked from DingTalk's @ list: they are in `atUsers`, not in the text. */
  mentions?: ReadonlyArray<{ staffId: string }>;
  /** A picture message instead of text: its download code, which the worker fetches through the robot API. */
  picture?: { downloadCode: string };
  msgId?: string;
  now?: number;
}

/** DingTalk's encrypted user ids look like this; locally the staff id stands inside. */
const dingtalkIdOf = (staffId: string): string => `$:LWCP_v1:$${staffId}`;
const ROBOT_ID = dingtalkIdOf('local-bot');

/**
 * A callback body shaped like DingTalk's (docs/dingtalk.md §1): a text or picture message, 1:1 or an @-mention in
 * a group. In a group `atUsers` lists the robot (no staff id) and then each person picked from the @ list; the text
 * starts with the space DingTalk leaves where the robot's @name was.
 */
export function buildTextCallback(options: CallbackOptions): Record<string, unknown> {
  const now = options.now ?? Date.now();
  const user = options.user ?? 'local-user';
  const group = options.group === true;
  const mentioned = (options.mentions ?? []).map(({ staffId }) => ({ dingtalkId: dingtalkIdOf(staffId), staffId }));
  const atUsers = group ? [{ dingtalkId: ROBOT_ID }, ...mentioned] : mentioned;
  return {
    conversationId: options.conversationId ?? (group ? 'cidLocalGroup==' : `cidLocal-${user}==`),
    conversationType: group ? '2' : '1',
    ...(group ? { conversationTitle: options.conversationTitle ?? '本地测试群', isInAtList: true } : {}),
    ...(atUsers.length > 0 ? { atUsers } : {}),
    msgId: options.msgId ?? `msg${randomUUID().replace(/-/g, '')}`,
    createAt: now,
    senderId: dingtalkIdOf(user),
    senderStaffId: user,
    senderNick: options.nick ?? user,
    chatbotUserId: ROBOT_ID,
    robotCode: options.robotCode,
    sessionWebhook: options.sessionWebhook,
    sessionWebhookExpiredTime: now + 90 * 60 * 1000,
    ...messageBody(options, group),
  };
}

function messageBody(options: CallbackOptions, group: boolean): Record<string, unknown> {
  if (options.picture) {
    const code = options.picture.downloadCode;
    return { msgtype: 'picture', content: { downloadCode: code, pictureDownloadCode: code } };
  }
  const text = options.text ?? '';
  return { msgtype: 'text', text: { content: group ? ` ${text}` : text } };
}

/** Where `npm run chat` receives the robot's session-webhook replies; the local stack allows this host. */
export const chatReceiverPort = (env: Readonly<Record<string, string | undefined>>): number => Number(env['LOCAL_CHAT_PORT'] ?? 9001);
export const chatReceiverHost = (env: Readonly<Record<string, string | undefined>>): string => `127.0.0.1:${chatReceiverPort(env)}`;

/** The headers DingTalk signs a callback with: HMAC-SHA256 of `timestamp\nappSecret`, keyed by the app secret. */
export function signedHeaders(appSecret: string, nowMs: number = Date.now()): Record<string, string> {
  const timestamp = String(nowMs);
  return { 'content-type': 'application/json; charset=utf-8', timestamp, sign: signDingTalkTimestamp(appSecret, timestamp) };
}
