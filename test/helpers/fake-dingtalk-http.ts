import { asRecord } from '../../shared/validation/as-record';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The reply plumbing shared by the fake DingTalk server's route modules (robot messages, AI cards, message files):
 * what a route answers, and how it goes on the wire.
 */
export interface Reply {
  status: number;
  /** JSON, or a Buffer sent as it is (a downloaded file). */
  body: unknown;
  contentType?: string;
  /** Leave out content-length, so the body goes out chunked as from a streaming server. */
  chunked?: boolean;
}

/** A canned answer for `failNext`: an HTTP status and JSON body, or 'hangup' to drop the connection unanswered. */
export type FakeFailure = { status: number; body?: unknown } | 'hangup';

export type RouteHandler = (body: Record<string, unknown>, request: IncomingMessage, raw: Buffer) => Reply;

export const BAD_TOKEN = { code: 'InvalidAuthentication', message: '不合法的access_token' };

export const ok = (body: unknown): Reply => ({ status: 200, body });
export const rejected = (status: number, code: string, message: string): Reply => ({ status, body: { code, message } });

/** Per route, the canned failures `failNext` queued: each skips `after` requests, then answers `times` of them. */
export function createFailureQueues<Route>() {
  const queues = new Map<Route, Array<{ skip: number; remaining: number; response: FakeFailure }>>();
  return {
    add(route: Route, times: number, response: FakeFailure, after = 0): void {
      const queue = queues.get(route) ?? [];
      queue.push({ skip: after, remaining: times, response });
      queues.set(route, queue);
    },
    take(route: Route): FakeFailure | undefined {
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

export function send(response: ServerResponse, reply: Reply): void {
  const raw = Buffer.isBuffer(reply.body);
  const payload: Buffer = Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(JSON.stringify(reply.body));
  const contentType = raw ? (reply.contentType ?? 'application/octet-stream') : 'application/json;charset=utf-8';
  response.writeHead(reply.status, {
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
