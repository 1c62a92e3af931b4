import { request as httpRequest, type Agent, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * One HTTP exchange for the callback's outbound calls (FC InvokeFunction, OSS), over node:http(s), which are in the
 * binary's snapshot and cost nothing to load. Bounded on every side: the caller's signal ends it, at most
 * `maxBodyBytes` of the answer are kept (past that the connection is dropped), and a redirect is just a status:
 * node:http never follows one.
 */
export interface BoundedRequestOptions {
  /** Where to connect: protocol, host and port; the request target is `path`. */
  url: URL;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  signal: AbortSignal;
  maxBodyBytes: number;
  /** Defaults to Node's global agent, which keeps connections alive across invocations of a warm instance. */
  agent?: Agent;
  /**
   * Default true: a kept-alive socket found dead (ECONNRESET) is tried once more. False for a request that must not
   * be sent twice (a message send): the dead socket may have carried it, so the error goes to the caller.
   */
  idempotent?: boolean;
}

export interface BoundedReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The answer was longer than maxBodyBytes; `body` holds its start. */
  truncated: boolean;
}

/** Rejects with the client's error, the request attached (`request`), so connectionOutcome can tell how far it went. */
export function boundedRequest(options: BoundedRequestOptions): Promise<BoundedReply> {
  return attempt(options, options.idempotent ?? true);
}

function attempt(options: BoundedRequestOptions, retryStale: boolean): Promise<BoundedReply> {
  const send = options.url.protocol === 'http:' ? httpRequest : httpsRequest;
  const body = options.body ?? Buffer.alloc(0);
  return new Promise<BoundedReply>((resolve, reject) => {
    const req = send(options.url, {
      method: options.method,
      path: options.path,
      signal: options.signal,
      headers: { ...options.headers, 'content-length': String(body.length) },
      ...(options.agent ? { agent: options.agent } : {}),
    });
    const fail = (error: Error): void => reject(Object.assign(error, { request: req }));
    req.on('error', (error: NodeJS.ErrnoException) => {
      // A kept-alive socket can die while FC freezes the instance; Node's documented remedy is to resend once.
      if (retryStale && req.reusedSocket && error.code === 'ECONNRESET') resolve(attempt(options, false));
      else fail(error);
    });
    req.on('response', (res) => readCapped(res, options.maxBodyBytes).then(resolve, fail));
    req.end(body);
  });
}

function readCapped(res: IncomingMessage, maxBodyBytes: number): Promise<BoundedReply> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (truncated: boolean): void => {
      settled = true;
      const status = res.statusCode ?? 0;
      resolve({ status, headers: res.headers, body: Buffer.concat(chunks).subarray(0, maxBodyBytes), truncated });
    };
    res.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      chunks.push(chunk);
      if (size > maxBodyBytes) {
        // Don't buffer whatever a proxy or a misbehaving server sends: keep the head, drop the connection.
        finish(true);
        res.destroy();
      }
    });
    res.on('error', (error) => settled || reject(error));
    res.on('close', () => {
      if (!settled && !res.complete) reject(new Error('connection closed before the response ended'));
    });
    res.on('end', () => settled || finish(false));
  });
}
