import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { transportError, type TransportFailure } from './urllib-errors';
import type { UrllibResult } from './urllib-transport';

/** One request on its way: what the answer is checked against and what its errors name. */
export interface Exchange {
  method: string;
  url: string;
  startedAt: number;
  maxBodyBytes: number;
}

/**
 * The answer to `req`, timed as urllib times it: `timeoutMs` to get a connected socket (a reused one counts at once),
 * then `timeoutMs` again for the whole answer, body included. Any failure destroys the request, so a half-read
 * socket never goes back to the keep-alive pool.
 */
export function readAnswer(req: ClientRequest, exchange: Exchange, timeoutMs: number): Promise<UrllibResult> {
  return new Promise<UrllibResult>((resolve, reject) => {
    let settled = false;
    let connected = false;
    let reused = false;
    let timer: NodeJS.Timeout | undefined;
    const fail = (name: TransportFailure, message: string, code?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(transportError(name, message, exchange, code));
    };
    const expire = (name: TransportFailure, message: string): void => {
      clearTimeout(timer);
      timer = setTimeout(() => fail(name, message), timeoutMs);
    };
    const tooLarge = () => fail('ResponseTooLargeError', `the answer is longer than ${exchange.maxBodyBytes} bytes`);

    expire('ConnectionTimeoutError', `Connect timeout for ${timeoutMs}ms`);
    req.once('socket', (socket: Socket) => {
      const onConnected = (): void => {
        connected = true;
        expire('ResponseTimeoutError', `Response timeout for ${timeoutMs}ms`);
      };
      if (socket.connecting) {
        socket.once('connect', onConnected);
      } else {
        reused = true;
        onConnected();
      }
    });
    req.on('error', (error: NodeJS.ErrnoException) => fail(connected ? 'ResponseError' : 'RequestError', error.message, error.code));
    req.on('response', (res: IncomingMessage) => {
      if (Number(res.headers['content-length']) > exchange.maxBodyBytes) return tooLarge();
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > exchange.maxBodyBytes) tooLarge();
        else chunks.push(chunk);
      });
      res.on('error', (error: NodeJS.ErrnoException) => fail('ResponseError', `the answer was cut short: ${error.message}`, error.code));
      res.on('close', () => {
        if (!res.complete) fail('ResponseError', 'the answer was cut short');
      });
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(resultOf(res, Buffer.concat(chunks, size), exchange, reused));
      });
    });
  });
}

function resultOf(res: IncomingMessage, data: Buffer, exchange: Exchange, keepAliveSocket: boolean): UrllibResult {
  const status = res.statusCode ?? -1;
  const response = {
    status,
    statusCode: status,
    statusMessage: res.statusMessage ?? '',
    headers: res.headers,
    size: data.length,
    aborted: false as const,
    rt: Date.now() - exchange.startedAt,
    keepAliveSocket,
    data,
    requestUrls: [exchange.url],
    remoteAddress: res.socket?.remoteAddress ?? '',
    remotePort: res.socket?.remotePort ?? 0,
  };
  return { status, headers: res.headers, data, res: response };
}
