import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CARD_ROUTES,
  createStandInCards,
  type StandInCard,
  type StandInCardCall,
  type StandInCardRoute,
} from './stand-in-cards';
import { createStandInFiles, FILE_PATH_PREFIX, type StandInFile, type StandInFileRoute } from './stand-in-files';
import { asRecord } from '../../shared/validation/as-record';
import {
  BAD_TOKEN,
  createFailureQueues,
  type StandInFailure,
  failureReply,
  ok,
  type Reply,
  type RouteHandler,
  rejected,
  safeJson,
  send,
  spoilsAnswerOnly,
} from './stand-in-http';

export type { StandInCard, StandInCardCall, StandInCardUpdate } from './stand-in-cards';
export type { StandInFile } from './stand-in-files';

/**
 * A real HTTP server on 127.0.0.1 that speaks the parts of DingTalk's wire protocol the bot uses: the OpenAPI token
 * endpoint, the two robot send APIs, session webhooks, AI cards (stand-in-cards.ts) and message file downloads
 * (stand-in-files.ts). It checks what DingTalk checks (credentials, tokens, known sessions, size limits) and
 * records every delivered message and card in arrival order, so tests assert what the user sees.
 * Error shapes follow docs/dingtalk.md §4 and §8; where DingTalk's exact code is unknown it is marked.
 */
export type StandInRoute = 'token' | 'batchSend' | 'groupSend' | 'webhook' | StandInCardRoute | StandInFileRoute;
export type { StandInFailure } from './stand-in-http';

export interface StandInMessage {
  via: 'webhook' | 'batchSend' | 'groupSend';
  session?: string;
  conversationId?: string;
  userIds?: string[];
  robotCode?: string;
  title: string;
  text: string;
  atUserIds?: string[];
}

export interface StandInRequest {
  route: StandInRoute | 'unknown';
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  status: number;
}

export interface DingTalkStandInOptions {
  appKey?: string;
  appSecret?: string;
  /** The robotCode the send APIs accept; the app key by default, as for an enterprise-internal robot. */
  robotCode?: string;
  tokenTtlSeconds?: number;
  /** Status for a rejected token: 401 by default; real DingTalk often answers 400 (docs/dingtalk.md §8). */
  authFailureStatus?: 400 | 401;
  /** Published AI card templates, templateId → content variable; `STAND_IN_CARD_TEMPLATE_ID` → 'content' by default. */
  cardTemplates?: Record<string, string>;
}

export interface DingTalkStandIn {
  url: string;
  appKey: string;
  appSecret: string;
  messages: StandInMessage[];
  requests: StandInRequest[];
  /** AI cards in creation order, as the user sees them now. */
  cards: StandInCard[];
  /** Every card API call in arrival order, failed ones included, for asserting the order of updates. */
  cardCalls: StandInCardCall[];
  webhookUrl(sessionId: string): string;
  /** Makes a callback's downloadCode downloadable through `messageFiles/download`. */
  addFile(downloadCode: string, file: StandInFile): void;
  /** The next `times` requests on `route` get `response`, after `after` more requests there have gone through. */
  failNext(route: StandInRoute, times: number, response: StandInFailure, after?: number): void;
  /**
   * How DingTalk treats a staff id from now on: 'invalid' (outside the app's visible range: batchSend lists it in
   * invalidStaffIdList, a 1:1 card is created but not delivered), 'flowControlled' (batchSend lists it in
   * flowControlledStaffIdList), or undefined (delivered again).
   */
  setRecipientProblem(staffId: string, problem: RecipientProblem | undefined): void;
  expireTokens(): void;
  setTokenTtl(seconds: number): void;
  waitForMessages(count: number, timeoutMs?: number): Promise<StandInMessage[]>;
  /** Resolves once there are `condition` cards, or `condition(cards)` holds (checked after every card call). */
  waitForCards(condition: number | ((cards: StandInCard[]) => boolean), timeoutMs?: number): Promise<StandInCard[]>;
  close(): Promise<void>;
}

export type RecipientProblem = 'invalid' | 'flowControlled';

export const STAND_IN_APP_KEY = 'dingfakeappkey';
export const STAND_IN_APP_SECRET = 'fake-app-secret-0123456789';
export const STAND_IN_CARD_TEMPLATE_ID = 'tpl-ai-card.schema';
export const STAND_IN_CARD_CONTENT_KEY = 'content';

const WEBHOOK_BODY_LIMIT = 20_000;
const GROUP_MSG_PARAM_LIMIT = 15_000;
const webhookError = (errcode: number, errmsg: string): Reply => ({ status: 200, body: { errcode, errmsg } });

export async function startDingTalkStandIn(options: DingTalkStandInOptions = {}): Promise<DingTalkStandIn> {
  const appKey = options.appKey ?? STAND_IN_APP_KEY;
  const appSecret = options.appSecret ?? STAND_IN_APP_SECRET;
  const robotCode = options.robotCode ?? appKey;
  let tokenTtlSeconds = options.tokenTtlSeconds ?? 7200;
  const tokens = new Map<string, number>();
  const sessions = new Set<string>();
  const recipientProblems = new Map<string, RecipientProblem>();
  const failures = createFailureQueues<StandInRoute>();
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const messages: StandInMessage[] = [];
  const requests: StandInRequest[] = [];
  let issued = 0;
  const lateAnswers = new Set<NodeJS.Timeout>();

  const record = (message: StandInMessage): void => {
    messages.push(message);
    for (const waiter of [...waiters]) if (messages.length >= waiter.count) waiter.resolve();
  };

  const tokenValid = (headers: IncomingHttpHeaders): boolean => {
    const token = headers['x-acs-dingtalk-access-token'];
    const expiresAt = typeof token === 'string' ? tokens.get(token) : undefined;
    return expiresAt !== undefined && Date.now() < expiresAt;
  };
  const checkToken = (headers: IncomingHttpHeaders): Reply | undefined =>
    tokenValid(headers) ? undefined : { status: options.authFailureStatus ?? 401, body: BAD_TOKEN };
  const cardTemplates = options.cardTemplates ?? { [STAND_IN_CARD_TEMPLATE_ID]: STAND_IN_CARD_CONTENT_KEY };
  const cards = createStandInCards({
    robotCode,
    templates: cardTemplates,
    checkToken,
    // errorMsg assumed: DingTalk's exact text for a user outside the visible range is not in our sources.
    deliveryProblem: (openSpaceId) => {
      const staffId = /^dtv1\.card\/\/IM_ROBOT\.(.+)$/.exec(openSpaceId)?.[1];
      return staffId !== undefined && recipientProblems.get(staffId) === 'invalid' ? 'staffId not in the visible scope of the app' : undefined;
    },
  });
  const files = createStandInFiles({ robotCode, checkToken });

  const routes: Record<StandInRoute, RouteHandler> = {
    ...cards.routes,
    ...files.routes,
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
      // DingTalk answers 200 and names the recipients it did not send to; only the others get the message.
      const ids = userIds as string[];
      const invalidStaffIdList = ids.filter((id) => recipientProblems.get(id) === 'invalid');
      const flowControlledStaffIdList = ids.filter((id) => recipientProblems.get(id) === 'flowControlled');
      const reached = ids.filter((id) => !recipientProblems.has(id));
      if (reached.length > 0) record({ via: 'batchSend', userIds: reached, robotCode, ...auth.content });
      return ok({ processQueryKey: `pqk-${messages.length}`, invalidStaffIdList, flowControlledStaffIdList });
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
      return ok({ processQueryKey: `pqk-${messages.length}` });
    },
    webhook(body, request, raw) {
      const session = new URL(request.url ?? '/', 'http://stand-in').searchParams.get('session');
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
    const denied = checkToken(headers);
    if (denied) return denied;
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
      const entry: StandInRequest = { route, path: request.url ?? '', headers: request.headers, body, status: 0 };
      requests.push(entry);
      const taken = route === 'unknown' ? undefined : failures.take(route);
      const spoiler = spoilsAnswerOnly(taken) ? taken : undefined;
      const failure = spoilsAnswerOnly(taken) ? undefined : taken;
      const recordCard = (status: number): void => {
        if (isCardRoute(route)) cards.recordCall(route, body, status);
      };
      if (failure === 'hangup') {
        request.socket.destroy();
        recordCard(0);
        return;
      }
      const reply: Reply =
        failure !== undefined
          ? failureReply(failure)
          : route === 'unknown'
            ? rejected(404, 'NotFound', 'no such API on the DingTalk stand-in')
            : body === undefined && request.method !== 'GET'
              ? rejected(400, 'InvalidJson', 'body is not JSON')
              : routes[route](asRecord(body), request, raw);
      entry.status = reply.status;
      recordCard(reply.status);
      if (spoiler === 'handled-then-hangup') {
        request.socket.destroy();
      } else if (spoiler !== undefined) {
        const timer = setTimeout(() => {
          lateAnswers.delete(timer);
          if (!response.destroyed) send(response, reply);
        }, spoiler.lateByMs);
        lateAnswers.add(timer);
      } else {
        send(response, reply);
      }
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
    cards: cards.cards,
    cardCalls: cards.cardCalls,
    addFile: files.addFile,
    waitForCards: cards.waitForCards,
    webhookUrl(sessionId) {
      sessions.add(sessionId);
      return `${url}/robot/sendBySession?session=${encodeURIComponent(sessionId)}`;
    },
    failNext: failures.add,
    setRecipientProblem(staffId, problem) {
      if (problem === undefined) recipientProblems.delete(staffId);
      else recipientProblems.set(staffId, problem);
    },
    expireTokens: () => tokens.clear(),
    setTokenTtl(seconds) {
      tokenTtlSeconds = seconds;
    },
    waitForMessages(count, timeoutMs = 2000) {
      return new Promise<StandInMessage[]>((resolve, reject) => {
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
          reject(new Error(`DingTalk stand-in got ${messages.length} of ${count} messages within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(waiter);
        if (messages.length >= count) waiter.resolve();
      });
    },
    close() {
      for (const timer of lateAnswers) clearTimeout(timer);
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

const ROUTES: Record<string, StandInRoute> = {
  'POST /v1.0/oauth2/accessToken': 'token',
  'POST /v1.0/robot/oToMessages/batchSend': 'batchSend',
  'POST /v1.0/robot/groupMessages/send': 'groupSend',
  'POST /robot/sendBySession': 'webhook',
  'POST /v1.0/card/instances/createAndDeliver': 'cardCreate',
  'PUT /v1.0/card/streaming': 'cardStreaming',
  'PUT /v1.0/card/instances': 'cardInstance',
  'POST /v1.0/robot/messageFiles/download': 'fileDownload',
};

function routeOf(request: IncomingMessage): StandInRoute | 'unknown' {
  const path = new URL(request.url ?? '/', 'http://stand-in').pathname;
  if (request.method === 'GET' && path.startsWith(FILE_PATH_PREFIX)) return 'fileContent';
  return ROUTES[`${request.method ?? ''} ${path}`] ?? 'unknown';
}

function isCardRoute(route: StandInRoute | 'unknown'): route is StandInCardRoute {
  return (CARD_ROUTES as readonly string[]).includes(route);
}
