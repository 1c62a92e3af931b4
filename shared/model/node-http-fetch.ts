import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { KeepAliveAgents } from '../http/keep-alive-agents';
import { toFetchResponse } from './node-http-response';

/**
 * The `fetch` the openai SDK is given, over node:http(s) instead of Node's built-in fetch. Hand-written for the cold
 * start: the built-in fetch's first request (undici instantiates its WASM HTTP parser then) cost a fresh worker's
 * first turn about 100 ms of CPU and 9 MiB of peak RSS (81 → 72 MiB); node:http is in Node's snapshot. In the
 * function bundles `Response` and `Headers` are our own light classes (build/fetch-globals.ts), so nothing of
 * undici loads at all; under tests they are Node's, and both give the same results. node-fetch@2 measured about
 * +25 ms of CPU to load, pulls in whatwg-url/tr46, and returns its own Response with a Node stream body, which
 * bounded-fetch.ts cannot wrap.
 *
 * It does what openai-node 6 needs, the way fetch does it, so to-model-error.ts reads failures unchanged:
 * - the body is a string or bytes (the SDK sends JSON text), encoded once; any other body is refused;
 * - an aborted signal destroys the request and rejects, or errors the body stream, with `signal.reason`;
 * - a request that got no answer rejects with `TypeError('fetch failed', { cause })`, the socket error as cause;
 * - gzip, deflate and br answers are decoded (node-http-response.ts);
 * - a redirect is never followed: it is handed back as the 3xx it is. The endpoint is configured, not discovered,
 *   and following would resend the API key and the conversation to wherever the Location header says.
 */
export interface NodeHttpFetchOptions {
  agents: KeepAliveAgents;
}

export function createNodeHttpFetch({ agents }: NodeHttpFetchOptions): typeof fetch {
  return async (input, init = {}) => {
    if (typeof input !== 'string' && !(input instanceof URL)) throw new TypeError('node-http-fetch takes a URL');
    const url = new URL(input);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`${url.protocol} is not HTTP`);
    const method = (init.method ?? 'GET').toUpperCase();
    const body = encodeBody(init.body);
    const headers = new Headers(init.headers ?? undefined);
    if (!headers.has('accept-encoding')) headers.set('accept-encoding', 'gzip, deflate, br');
    if (body !== undefined || method === 'POST' || method === 'PUT') {
      headers.set('content-length', String(body?.length ?? 0));
    }
    const signal = init.signal ?? undefined;
    signal?.throwIfAborted();
    return send({ url, method, headers: Object.fromEntries(headers), body, signal, agents });
  };
}

interface Exchange {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Uint8Array | undefined;
  signal: AbortSignal | undefined;
  agents: KeepAliveAgents;
}

function send({ url, method, headers, body, signal, agents }: Exchange): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const https = url.protocol === 'https:';
    const agent = https ? agents.https : agents.http;
    const req: ClientRequest = (https ? httpsRequest : httpRequest)(url, { method, headers, agent });
    let answered = false;
    const onAbort = () => {
      req.destroy();
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error) => {
      // Once answered, the body stream reports failures (node-http-response.ts); after an abort, onAbort did.
      if (answered || signal?.aborted) return;
      signal?.removeEventListener('abort', onAbort);
      reject(new TypeError('fetch failed', { cause: error }));
    });
    req.on('response', (res) => {
      answered = true;
      signal?.removeEventListener('abort', onAbort);
      try {
        resolve(toFetchResponse(res, { method, signal, destroy: () => req.destroy() }));
      } catch (error) {
        // A status the Response class refuses (above 599, say) is no answer the SDK could read.
        req.destroy();
        reject(new TypeError('fetch failed', { cause: error }));
      }
    });
    req.end(body);
  });
}

/** Strings are encoded to UTF-8 once (the socket needs bytes anyway); bytes are sent as they are, uncopied. */
function encodeBody(body: RequestInit['body']): Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('node-http-fetch sends a string or bytes, not a stream, form or blob');
}
