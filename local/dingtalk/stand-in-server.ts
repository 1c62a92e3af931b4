import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import { asRecord } from '../../shared/validation/as-record';
import { CARD_ROUTES, type StandInCardRoute } from './stand-in-cards';
import { FILE_PATH_PREFIX, type StandInFileRoute } from './stand-in-files';
import {
  createFailureQueues,
  failureReply,
  type Reply,
  type RouteHandler,
  rejected,
  safeJson,
  send,
  spoilsAnswerOnly,
} from './stand-in-http';
import type { StandInMessageRoute } from './stand-in-messages';

/**
 * The DingTalk stand-in's HTTP side: which API a request calls, the canned failures queued for it (failNext), and the
 * answer on the wire, late or dropped when a failure says so. Every request is logged in arrival order.
 */
export type StandInRoute = 'token' | StandInMessageRoute | StandInCardRoute | StandInFileRoute;

export interface StandInRequest {
  route: StandInRoute | 'unknown';
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  status: number;
}

export interface StandInServerParts {
  routes: Record<StandInRoute, RouteHandler>;
  failures: ReturnType<typeof createFailureQueues<StandInRoute>>;
  requests: StandInRequest[];
  /** Called for every card request once its answer (or hang-up, status 0) is known. */
  onCardCall(route: StandInCardRoute, body: unknown, status: number): void;
}

export function createStandInServer(parts: StandInServerParts): { server: Server; cancelLateAnswers(): void } {
  const lateAnswers = new Set<NodeJS.Timeout>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const route = routeOf(request);
      const body = safeJson(raw.toString('utf8'));
      const entry: StandInRequest = { route, path: request.url ?? '', headers: request.headers, body, status: 0 };
      parts.requests.push(entry);
      const taken = route === 'unknown' ? undefined : parts.failures.take(route);
      const spoiler = spoilsAnswerOnly(taken) ? taken : undefined;
      const failure = spoilsAnswerOnly(taken) ? undefined : taken;
      const recordCard = (status: number): void => {
        if (isCardRoute(route)) parts.onCardCall(route, body, status);
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
              : parts.routes[route](asRecord(body), request, raw);
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
  return {
    server,
    cancelLateAnswers() {
      for (const timer of lateAnswers) clearTimeout(timer);
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
