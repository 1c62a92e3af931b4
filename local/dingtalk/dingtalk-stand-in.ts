import type { AddressInfo } from 'node:net';
import { createStandInAuth } from './stand-in-auth';
import { createStandInCards, type StandInCard, type StandInCardCall } from './stand-in-cards';
import { createStandInEvents, type StandInListener } from './stand-in-events';
import { createStandInFiles, type StandInFile } from './stand-in-files';
import { createFailureQueues, type RouteHandler, type StandInFailure } from './stand-in-http';
import { createStandInMessages, type RecipientProblem, type StandInMessage } from './stand-in-messages';
import { createStandInServer, type StandInRequest, type StandInRoute } from './stand-in-server';

export type { StandInCard, StandInCardCall, StandInCardRoute, StandInCardUpdate } from './stand-in-cards';
export type { StandInEvent, StandInListener } from './stand-in-events';
export type { StandInFile } from './stand-in-files';
export type { StandInFailure } from './stand-in-http';
export type { RecipientProblem, StandInMessage } from './stand-in-messages';
export type { StandInRequest, StandInRoute } from './stand-in-server';

/**
 * A real HTTP server (127.0.0.1 by default) that speaks the parts of DingTalk's wire protocol the bot uses: the
 * OpenAPI token endpoint (stand-in-auth.ts), the two robot send APIs and session webhooks (stand-in-messages.ts), AI
 * cards (stand-in-cards.ts) and message file downloads (stand-in-files.ts). It checks what DingTalk checks
 * (credentials, tokens, known sessions, size limits) and records every delivered message and card in arrival order,
 * so tests assert what the user sees, and the local playground shows it (subscribe).
 * Error shapes follow docs/dingtalk.md §4 and §8; where DingTalk's exact code is unknown it is marked.
 */
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
  /** Where to listen: 127.0.0.1 and a free port by default. */
  host?: string;
  port?: number;
}

export interface DingTalkStandIn {
  url: string;
  appKey: string;
  appSecret: string;
  /** The robotCode the send APIs and cards accept. */
  robotCode: string;
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
  /**
   * Calls `listener` after each delivered message and after each card call about a card the user sees (with its
   * state then; a failed call about no such card is skipped). Returns the function that unsubscribes.
   */
  subscribe(listener: StandInListener): () => void;
  close(): Promise<void>;
}

export const STAND_IN_APP_KEY = 'dingfakeappkey';
export const STAND_IN_APP_SECRET = 'fake-app-secret-0123456789';
export const STAND_IN_CARD_TEMPLATE_ID = 'tpl-ai-card.schema';
export const STAND_IN_CARD_CONTENT_KEY = 'content';

export async function startDingTalkStandIn(options: DingTalkStandInOptions = {}): Promise<DingTalkStandIn> {
  const appKey = options.appKey ?? STAND_IN_APP_KEY;
  const appSecret = options.appSecret ?? STAND_IN_APP_SECRET;
  const robotCode = options.robotCode ?? appKey;
  const sessions = new Set<string>();
  const recipientProblems = new Map<string, RecipientProblem>();
  const failures = createFailureQueues<StandInRoute>();
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const messages: StandInMessage[] = [];
  const requests: StandInRequest[] = [];
  const events = createStandInEvents();

  const auth = createStandInAuth({
    appKey,
    appSecret,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 7200,
    authFailureStatus: options.authFailureStatus ?? 401,
  });
  const { checkToken } = auth;
  const cards = createStandInCards({
    robotCode,
    templates: options.cardTemplates ?? { [STAND_IN_CARD_TEMPLATE_ID]: STAND_IN_CARD_CONTENT_KEY },
    checkToken,
    // errorMsg assumed: DingTalk's exact text for a user outside the visible range is not in our sources.
    deliveryProblem: (openSpaceId) => {
      const staffId = /^dtv1\.card\/\/IM_ROBOT\.(.+)$/.exec(openSpaceId)?.[1];
      return staffId !== undefined && recipientProblems.get(staffId) === 'invalid' ? 'staffId not in the visible scope of the app' : undefined;
    },
  });
  const files = createStandInFiles({ robotCode, checkToken });
  const robotMessages = createStandInMessages({
    robotCode,
    checkToken,
    recipientProblem: (staffId) => recipientProblems.get(staffId),
    knowsSession: (session) => sessions.has(session),
    messageCount: () => messages.length,
    record(message) {
      messages.push(message);
      for (const waiter of [...waiters]) if (messages.length >= waiter.count) waiter.resolve();
      events.message(message);
    },
  });
  const routes: Record<StandInRoute, RouteHandler> = { ...auth.routes, ...robotMessages, ...cards.routes, ...files.routes };

  const { server, cancelLateAnswers } = createStandInServer({
    routes,
    failures,
    requests,
    onCardCall(route, body, status) {
      const card = cards.recordCall(route, body, status);
      if (card !== undefined) events.card(card, route, status);
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;

  return {
    url,
    appKey,
    appSecret,
    robotCode,
    messages,
    requests,
    cards: cards.cards,
    cardCalls: cards.cardCalls,
    addFile: files.addFile,
    waitForCards: cards.waitForCards,
    subscribe: events.subscribe,
    webhookUrl(sessionId) {
      sessions.add(sessionId);
      return `${url}/robot/sendBySession?session=${encodeURIComponent(sessionId)}`;
    },
    failNext: failures.add,
    setRecipientProblem(staffId, problem) {
      if (problem === undefined) recipientProblems.delete(staffId);
      else recipientProblems.set(staffId, problem);
    },
    expireTokens: auth.expireTokens,
    setTokenTtl: auth.setTokenTtl,
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
      cancelLateAnswers();
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
