import { asRecord } from '../../shared/validation/as-record';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type OversizedBody, sendOversized } from './oversized-body';

/**
 * The reply plumbing shared by the DingTalk stand-in's route modules (robot messages, AI cards, message files):
 * what a route answers, and how it goes on the wire.
 */
export interface Reply {
  status: number;
  /** JSON, or a Buffer sent as it is (a downloaded file). */
  body: unknown;
  contentType?: string;
  /** Leave out content-length, so the body goes out chunked as from a streaming server. */
  chunked?: boolean;
  /** Extra response headers (a redirect's `location`, say). */
  headers?: Record<string, string>;
  /** Instead of `body`: a huge body generated as it is sent, or a gzip bomb (oversized-body.ts). */
  oversized?: OversizedBody;
}

/**
 * A canned answer for `failNext`: an HTTP status with a JSON body and headers (`{ status: 302, headers: { location } }`
 * is a redirect), an oversized body, or 'hangup' to drop the connection unanswered. Two leave the request handled as
 * usual (DingTalk acted on it, a message is recorded) and only spoil the answer: `{ lateByMs }` sends it that much
 * later (after the client gave up), 'handled-then-hangup' drops the connection instead of answering.
 */
export type StandInFailure =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { status: number; oversized: OversizedBody }
  | 'hangup'
  | AnswerSpoiler;

export type AnswerSpoiler = { lateByMs: number } | 'handled-then-hangup';

export const spoilsAnswerOnly = (failure: StandInFailure | undefined): failure is AnswerSpoiler =>
  failure === 'handled-then-hangup' || (typeof failure === 'object' && 'lateByMs' in failure);

export type RouteHandler = (body: Record<string, unknown>, request: IncomingMessage, raw: Buffer) => Reply;

export const BAD_TOKEN = { code: 'InvalidAuthentication', message: '不合法的access_token' };

export const ok = (body: unknown): Reply => ({ status: 200, body });
export const rejected = (status: number, code: string, message: string): Reply => ({ status, body: { code, message } });

/** Per route, the canned failures `failNext` queued: each skips `after` requests, then answers `times` of them. */
export function createFailureQueues<Route>() {
  const queues = new Map<Route, Array<{ skip: number; remaining: number; response: StandInFailure }>>();
  return {
    add(route: Route, times: number, response: StandInFailure, after = 0): void {
      const queue = queues.get(route) ?? [];
      queue.push({ skip: after, remaining: times, response });
      queues.set(route, queue);
    },
    take(route: Route): StandInFailure | undefined {
      const queue = queues.get(route);
      const next = queue?.[0];
      if (!queue || !next) return undefined;
      if (next.skip > 0) {
        next.skip -= 1;
        return undefined;
      }
      next.remaining -= 1;
      if (next.remaining <= 0) queue.shift();
      return next.response;
    },
  };
}

/** A failNext answer as the reply the server sends. */
export function failureReply(failure: Exclude<StandInFailure, 'hangup' | AnswerSpoiler>): Reply {
  if ('oversized' in failure) return { status: failure.status, body: undefined, oversized: failure.oversized };
  return { status: failure.status, body: failure.body ?? {}, ...(failure.headers ? { headers: failure.headers } : {}) };
}

export function send(response: ServerResponse, reply: Reply): void {
  if (reply.oversized) {
    sendOversized(response, reply.status, reply.oversized).catch(() => response.destroy());
    return;
  }
  const raw = Buffer.isBuffer(reply.body);
  const payload: Buffer = Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(JSON.stringify(reply.body));
  const contentType = raw ? (reply.contentType ?? 'application/octet-stream') : 'application/json;charset=utf-8';
  response.writeHead(reply.status, {
    ...reply.headers,
    'content-type': contentType,
    ...(reply.chunked ? {} : { 'content-length': payload.length }),
  });
  response.end(payload);
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}


/** A record whose values are all strings (DingTalk's cardParamMap and atUserIds), or undefined when it is not one. */
export function asStringMap(value: unknown): Record<string, string> | undefined {
  const record = asRecord(value);
  if (record !== value) return undefined;
  const allStrings = Object.values(record).every((entry) => typeof entry === 'string');
  return allStrings ? (record as Record<string, string>) : undefined;
}
