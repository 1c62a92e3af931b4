import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 that speaks the parts of DingTalk's wire protocol the bot uses: the OpenAPI token
 * endpoint, the two robot send APIs and session webhooks. It checks what DingTalk checks (credentials, tokens, known
 * sessions, size limits) and records every delivered message in arrival order, so tests assert what the user sees.
 * Error shapes follow ../shared/brief/dingtalk.md §4 and §8; where DingTalk's exact code is unknown it is marked.
 */
export type FakeRoute = 'token' | 'batchSend' | 'groupSend' | 'webhook';
/** A canned answer for `failNext`: an HTTP status and JSON body, or 'hangup' to drop the connection unanswered. */
export type FakeFailure = { status: number; body?: unknown } | 'hangup';

export interface FakeMessage {
  via: 'webhook' | 'batchSend' | 'groupSend';
  session?: string;
  conversationId?: string;
  userIds?: string[];
  robotCode?: string;
  title: string;
  text: string;
  atUserIds?: string[];
}

export interface FakeRequest {
  route: FakeRoute | 'unknown';
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  status: number;
}

export interface FakeDingTalkOptions {
  appKey?: string;
  appSecret?: string;
  /** The robotCode the send APIs accept; the app key by default, as for an enterprise-internal robot. */
  robotCode?: string;
  tokenTtlSeconds?: number;
  /** Status for a rejected token: the task's fake uses 401, real DingTalk often answers 400 (§8). */
  authFailureStatus?: 400 | 401;
}

export interface FakeDingTalk {
  url: string;
  appKey: string;
  appSecret: string;
  messages: FakeMessage[];
  requests: FakeRequest[];
  webhookUrl(sessionId: string): string;
  /** The next `times` requests on `route` get `response`, after `after` more requests there have gone through. */
  failNext(route: FakeRoute, times: number, response: FakeFailure, after?: number): void;
  expireTokens(): void;
  setTokenTtl(seconds: number): void;
  waitForMessages(count: number, timeoutMs?: number): Promise<FakeMessage[]>;
  close(): Promise<void>;
}

export const FAKE_APP_KEY = 'dingfakeappkey';
export const FAKE_APP_SECRET = 'fake-app-secret-0123456789';

const WEBHOOK_BODY_LIMIT = 20_000;
const GROUP_MSG_PARAM_LIMIT = 15_000;
const BAD_TOKEN = { code: 'InvalidAuthentication', message: '不合法的access_token' };

type Reply = { status: number; body: unknown };
const ok = (body: unknown): Reply => ({ status: 200, body });
const rejected = (status: number, code: string, message: string): Reply => ({ status, body: { code, message } });
const webhookError = (errcode: number, errmsg: string): Reply => ({ status: 200, body: { errcode, errmsg } });

export async function startFakeDingTalk(options: FakeDingTalkOptions = {}): Promise<FakeDingTalk> {
  const appKey = options.appKey ?? FAKE_APP_KEY;
  const appSecret = options.appSecret ?? FAKE_APP_SECRET;
  const robotCode = options.robotCode ?? appKey;
  let tokenTtlSeconds = options.tokenTtlSeconds ?? 7200;
  const tokens = new Map<string, number>();
  const sessions = new Set<string>();
  const failures = new Map<FakeRoute, Array<{ skip: number; remaining: number; response: FakeFailure }>>();
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const messages: FakeMessage[] = [];
  const requests: FakeRequest[] = [];
  let issued = 0;

  const record = (message: FakeMessage): void => {
    messages.push(message);
    for (const waiter of [...waiters]) if (messages.length >= waiter.count) waiter.resolve();
  };

  const takeFailure = (route: FakeRoute): FakeFailure | undefined => {
    const queue = failures.get(route);
    const next = queue?.[0];
    if (!queue || !next) return undefined;
    if (next.skip > 0) {
      next.skip -= 1;
      return undefined;
    }
    next.remaining -= 1;
    if (next.remaining <= 0) queue.shift();
    return next.response;
  };

  const tokenValid = (headers: IncomingHttpHeaders): boolean => {
    const token = headers['x-acs-dingtalk-access-token'];
    const expiresAt = typeof token === 'string' ? tokens.get(token) : undefined;
    return expiresAt !== undefined && Date.now() < expiresAt;
  };

  const routes: Record<FakeRoute, (body: Record<string, unknown>, request: IncomingMessage, raw: Buffer) => Reply> = {
    token(body) {
      if (typeof body['appKey'] !== 'string' || typeof body['appSecret'] !== 'string') {
        return rejected(400, 'MissingParameter', 'appKey and appSecret are required');
      }
      // Exact codes for wrong credentials are not in our sources; the statuses match what DingTalk is seen to use.
      if (body['appKey'] !== appKey) return rejected(400, 'invalidClientId', '无效的appKey');
      if (body['appSecret'] !== appSecret) return rejected(401, 'invalidClientSecret', '无效的appSecret');
      issued += 1;
      const accessToken = `fake-token-${issued}-${Math.random().toString(36).slice(2, 10)}`;
      tokens.set(accessToken, Date.now() + tokenTtlSeconds * 1000);
      return ok({ accessToken, expireIn: tokenTtlSeconds });
    },
    batchSend(body, request) {
      const auth = checkRobotCall(body, request.headers);
      if ('status' in auth) return auth;
      const userIds = body['userIds'];
      const valid = Array.isArray(userIds) && userIds.every((id) => typeof id === 'string');
      if (!valid || userIds.length === 0 || userIds.length > 20) {
        return rejected(400, 'invalidParameter.userIds', 'userIds must hold 1 to 20 user ids');
      }
      record({ via: 'batchSend', userIds: userIds as string[], robotCode, ...auth.content });
      return ok({ processQueryKey: `pqk-${messages.length}`, invalidStaffIdList: [], flowControlledStaffIdList: [] });
    },
    groupSend(body, request) {
      const auth = checkRobotCall(body, request.headers);
      if ('status' in auth) return auth;
      const conversationId = body['openConversationId'];
      if (typeof conversationId !== 'string' || conversationId === '') {
        return rejected(400, 'invalid.openConversationId', 'openConversationId is required');
      }
      // Code name assumed; the 15,000-byte limit is DingTalk's documented one.
      if (Buffer.byteLength(String(body['msgParam'])) > GROUP_MSG_PARAM_LIMIT) {
        return rejected(400, 'invalidParameter.msgParam.tooLong', 'msgParam exceeds 15000 bytes');
      }
      record({ via: 'groupSend', conversationId, robotCode, ...auth.content });
      return ok({ processQueryKey: `pqk-${messages.length}` });
    },
    webhook(body, request, raw) {
      const session = new URL(request.url ?? '/', 'http://fake').searchParams.get('session');
      if (session === null || !sessions.has(session)) return webhookError(300001, 'session is not exist');
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

  type RobotCall = Reply | { content: { title: string; text: string } };
  function checkRobotCall(body: Record<string, unknown>, headers: IncomingHttpHeaders): RobotCall {
    if (!tokenValid(headers)) return { status: options.authFailureStatus ?? 401, body: BAD_TOKEN };
    if (body['robotCode'] !== robotCode) {
      return rejected(400, 'invalidParameter.robotCode.notExsit', 'robotCode不存在');
    }
    const param = typeof body['msgParam'] === 'string' ? asRecord(safeJson(body['msgParam'])) : {};
    const { title, text, content } = param;
    if (body['msgKey'] === 'sampleMarkdown' && typeof title === 'string' && typeof text === 'string') {
      return { content: { title, text } };
    }
    if (body['msgKey'] === 'sampleText' && typeof content === 'string') {
      return { content: { title: '', text: content } };
    }
    return rejected(400, 'invalidParameter.msgParam', 'msgKey/msgParam do not match');
  }

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const route = routeOf(request);
      const body = safeJson(raw.toString('utf8'));
      const entry: FakeRequest = { route, path: request.url ?? '', headers: request.headers, body, status: 0 };
      requests.push(entry);
      const failure = route === 'unknown' ? undefined : takeFailure(route);
      if (failure === 'hangup') {
        request.socket.destroy();
        return;
      }
      const reply: Reply =
        failure !== undefined
          ? { status: failure.status, body: failure.body ?? {} }
          : route === 'unknown'
            ? rejected(404, 'NotFound', 'no such API on the fake')
            : body === undefined
              ? rejected(400, 'InvalidJson', 'body is not JSON')
              : routes[route](asRecord(body), request, raw);
      entry.status = reply.status;
      send(response, reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    appKey,
    appSecret,
    messages,
    requests,
    webhookUrl(sessionId) {
      sessions.add(sessionId);
      return `${url}/robot/sendBySession?session=${encodeURIComponent(sessionId)}`;
    },
    failNext(route, times, response, after = 0) {
      const queue = failures.get(route) ?? [];
      queue.push({ skip: after, remaining: times, response });
      failures.set(route, queue);
    },
    expireTokens: () => tokens.clear(),
    setTokenTtl(seconds) {
      tokenTtlSeconds = seconds;
    },
    waitForMessages(count, timeoutMs = 2000) {
      return new Promise<FakeMessage[]>((resolve, reject) => {
        const waiter = {
          count,
          resolve: () => {
            clearTimeout(timer);
            waiters.splice(waiters.indexOf(waiter), 1);
            resolve([...messages]);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`fake DingTalk got ${messages.length} of ${count} messages within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(waiter);
        if (messages.length >= count) waiter.resolve();
      });
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function routeOf(request: IncomingMessage): FakeRoute | 'unknown' {
  if (request.method !== 'POST') return 'unknown';
  const path = new URL(request.url ?? '/', 'http://fake').pathname;
  if (path === '/v1.0/oauth2/accessToken') return 'token';
  if (path === '/v1.0/robot/oToMessages/batchSend') return 'batchSend';
  if (path === '/v1.0/robot/groupMessages/send') return 'groupSend';
  if (path === '/robot/sendBySession') return 'webhook';
  return 'unknown';
}

function send(response: ServerResponse, reply: Reply): void {
  const payload = JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    'content-type': 'application/json;charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  response.end(payload);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
