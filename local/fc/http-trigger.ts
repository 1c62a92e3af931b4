import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../read-body';
import type { FunctionHost } from './function-host';

const MAX_BODY_BYTES = 6 * 1024 * 1024;

/**
 * FC 3.0's HTTP trigger, locally: the request becomes the JSON event a built-in runtime hands the handler
 * (headers in their original case, comma-joined; binary bodies base64), and the handler's
 * {statusCode, headers, body, isBase64Encoded} becomes the response.
 */
export function createHttpTrigger(host: FunctionHost, accountId: string) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request, MAX_BODY_BYTES);
    if (body === undefined) return send(response, 413, { 'content-type': 'text/plain' }, 'request body too large');
    const url = new URL(request.url ?? '/', 'http://localhost');
    const headers: Record<string, string> = {};
    for (let index = 0; index < request.rawHeaders.length; index += 2) {
      const name = request.rawHeaders[index] as string;
      const value = request.rawHeaders[index + 1] as string;
      headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
    }
    // Text goes as a string, anything else (and text that is not valid UTF-8, which a string would silently alter)
    // as base64, so the handler sees the bytes that were sent.
    const isText = /json|text|xml|form/.test(request.headers['content-type'] ?? 'text') && isUtf8(body);
    const requestId = `1-${randomUUID()}`;
    const event = {
      version: 'v1',
      rawPath: url.pathname,
      body: body.toString(isText ? 'utf8' : 'base64'),
      isBase64Encoded: !isText,
      headers,
      queryParameters: Object.fromEntries(url.searchParams),
      requestContext: {
        accountId,
        domainName: request.headers.host ?? 'localhost',
        domainPrefix: 'local',
        http: {
          method: request.method ?? 'GET',
          path: decodeURIComponent(url.pathname),
          protocol: `HTTP/${request.httpVersion}`,
          sourceIp: request.socket.remoteAddress ?? '',
          userAgent: request.headers['user-agent'] ?? '',
        },
        requestId,
        time: new Date().toISOString(),
        timeEpoch: String(Date.now()),
      },
    };
    const result = await host.invoke(Buffer.from(JSON.stringify(event)), requestId);
    if (!result.ok) return send(response, 502, { 'content-type': 'text/plain', 'x-fc-request-id': requestId }, `function ${result.kind}`);
    const value = (result.value ?? {}) as { statusCode?: number; headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean };
    const payload = Buffer.from(value.body ?? '', value.isBase64Encoded ? 'base64' : 'utf8');
    send(response, value.statusCode ?? 200, { ...value.headers, 'x-fc-request-id': requestId }, payload);
  };
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
  response.writeHead(status, headers);
  response.end(body);
}
