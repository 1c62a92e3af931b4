import type { IncomingHttpHeaders } from 'node:http';
import { asRecord } from '../../shared/validation/as-record';
import { ok, type Reply, type RouteHandler, rejected, safeJson } from './stand-in-http';

/**
 * The DingTalk stand-in's robot messages: the two robot send APIs (1:1 batchSend, group send) and session webhooks,
 * with DingTalk's checks (token, robotCode, known session, size limits) and its partial deliveries to staff outside
 * the app's range. Error shapes follow docs/dingtalk.md §4 and §8; where DingTalk's exact code is unknown it is marked.
 */
export type StandInMessageRoute = 'batchSend' | 'groupSend' | 'webhook';

export interface StandInMessage {
  via: StandInMessageRoute;
  session?: string;
  conversationId?: string;
  userIds?: string[];
  robotCode?: string;
  title: string;
  text: string;
  atUserIds?: string[];
}

export type RecipientProblem = 'invalid' | 'flowControlled';

export interface StandInMessagesContext {
  robotCode: string;
  checkToken(headers: IncomingHttpHeaders): Reply | undefined;
  recipientProblem(staffId: string): RecipientProblem | undefined;
  /** Keeps a delivered message. */
  record(message: StandInMessage): void;
  /** How many messages were delivered so far (the stand-in's processQueryKey is made from it). */
  messageCount(): number;
  /** Whether a session webhook was handed out (a callback carried it). */
  knowsSession(session: string): boolean;
}

const WEBHOOK_BODY_LIMIT = 20_000;
const GROUP_MSG_PARAM_LIMIT = 15_000;
const webhookError = (errcode: number, errmsg: string): Reply => ({ status: 200, body: { errcode, errmsg } });

export function createStandInMessages(context: StandInMessagesContext): Record<StandInMessageRoute, RouteHandler> {
  const { robotCode, record } = context;

  type RobotCall = Reply | { content: { title: string; text: string } };
  function checkRobotCall(body: Record<string, unknown>, headers: IncomingHttpHeaders): RobotCall {
    const denied = context.checkToken(headers);
    if (denied) return denied;
    if (body['robotCode'] !== robotCode) return rejected(400, 'invalidParameter.robotCode.notExsit', 'robotCode不存在');
    const param = typeof body['msgParam'] === 'string' ? asRecord(safeJson(body['msgParam'])) : {};
    const { title, text, content } = param;
    if (body['msgKey'] === 'sampleMarkdown' && typeof title === 'string' && typeof text === 'string') return { content: { title, text } };
    if (body['msgKey'] === 'sampleText' && typeof content === 'string') return { content: { title: '', text: content } };
    return rejected(400, 'invalidParameter.msgParam', 'msgKey/msgParam do not match');
  }

  return {
    batchSend(body, request) {
      const auth = checkRobotCall(body, request.headers);
      if ('status' in auth) return auth;
      const userIds = body['userIds'];
      const valid = Array.isArray(userIds) && userIds.every((id) => typeof id === 'string');
      if (!valid || userIds.length === 0 || userIds.length > 20) {
        return rejected(400, 'invalidParameter.userIds', 'userIds must hold 1 to 20 user ids');
      }
      // DingTalk answers 200 and names the recipients it did not send to; only the others get the message.
      const ids = userIds as string[];
      const invalidStaffIdList = ids.filter((id) => context.recipientProblem(id) === 'invalid');
      const flowControlledStaffIdList = ids.filter((id) => context.recipientProblem(id) === 'flowControlled');
      const reached = ids.filter((id) => context.recipientProblem(id) === undefined);
      if (reached.length > 0) record({ via: 'batchSend', userIds: reached, robotCode, ...auth.content });
      return ok({ processQueryKey: `pqk-${context.messageCount()}`, invalidStaffIdList, flowControlledStaffIdList });
    },
    groupSend(body, request) {
      const auth = checkRobotCall(body, request.headers);
      if ('status' in auth) return auth;
      const conversationId = body['openConversationId'];
      if (typeof conversationId !== 'string' || conversationId === '') {
        return rejected(400, 'invalid.openConversationId', 'openConversationId is required');
      }
      // Code name assumed; the 15,000-byte limit is DingTalk's documented one (docs/dingtalk.md §4).
      if (Buffer.byteLength(String(body['msgParam'])) > GROUP_MSG_PARAM_LIMIT) {
        return rejected(400, 'invalidParameter.msgParam.tooLong', 'msgParam exceeds 15000 bytes');
      }
      record({ via: 'groupSend', conversationId, robotCode, ...auth.content });
      return ok({ processQueryKey: `pqk-${context.messageCount()}` });
    },
    webhook(body, request, raw) {
      const session = new URL(request.url ?? '/', 'http://stand-in').searchParams.get('session');
      if (session === null || !context.knowsSession(session)) return webhookError(300001, 'session is not exist');
      if (raw.length > WEBHOOK_BODY_LIMIT) return webhookError(460101, 'message too long, exceed 20000 bytes');
      const markdown = asRecord(body['markdown']);
      const text = asRecord(body['text']);
      const atUserIds = asRecord(body['at'])['atUserIds'];
      const at = Array.isArray(atUserIds) && atUserIds.length > 0 ? { atUserIds: atUserIds.map(String) } : {};
      const { title, text: content } = markdown;
      if (body['msgtype'] === 'markdown' && typeof title === 'string' && typeof content === 'string') {
        record({ via: 'webhook', session, title, text: content, ...at });
      } else if (body['msgtype'] === 'text' && typeof text['content'] === 'string') {
        record({ via: 'webhook', session, title: '', text: text['content'], ...at });
      } else {
        return webhookError(40035, 'invalid msgtype or content');
      }
      return ok({ errcode: 0, errmsg: 'ok' });
    },
  };
}
