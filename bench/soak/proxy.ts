import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A path-preserving HTTP proxy on 127.0.0.1 that buffers each request and hands it to a fault hook, which may answer
 * itself, drop the connection, or forward the request unchanged (Host header included: OSS's V1 signature covers
 * bucket and key, not the host, so the worker's signed requests stay valid) and then decide what to pass on.
 */
export interface ProxiedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface UpstreamReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type FaultHook = (request: ProxiedRequest, forward: () => Promise<UpstreamReply>, response: ServerResponse) => Promise<void>;

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

export async function startProxy(target: () => string, hook: FaultHook) {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const proxied = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks) };
      hook(proxied, () => forward(target(), proxied, agent), res).catch((error: unknown) => {
        if (res.headersSent) return void res.destroy();
        res.writeHead(502, { 'content-type': 'text/plain' }).end(`soak proxy: ${String(error)}`);
      });
    });
    req.on('error', () => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

function forward(origin: string, proxied: ProxiedRequest, agent: Agent): Promise<UpstreamReply> {
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    const upstream = httpRequest(
      { host: url.hostname, port: url.port, method: proxied.method, path: proxied.url, headers: proxied.headers, agent },
      (reply) => {
        const chunks: Buffer[] = [];
        reply.on('data', (chunk: Buffer) => chunks.push(chunk));
        reply.on('end', () => resolve({ status: reply.statusCode ?? 502, headers: reply.headers, body: Buffer.concat(chunks) }));
        reply.on('error', reject);
      },
    );
    upstream.on('error', reject);
    upstream.end(proxied.body);
  });
}

/** Passes the upstream answer on; resolves true once it was handed to the socket in full. */
export function relay(response: ServerResponse, reply: UpstreamReply): Promise<boolean> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(reply.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  return new Promise((resolve) => {
    if (response.destroyed) return resolve(false);
    response.once('finish', () => resolve(true));
    response.once('close', () => resolve(response.writableFinished));
    // A HEAD answer has no body but keeps the object's content-length, which clients read as its size.
    const length = response.req.method === 'HEAD' ? reply.headers['content-length'] : String(reply.body.length);
    response.writeHead(reply.status, { ...headers, ...(length === undefined ? {} : { 'content-length': length }) });
    response.end(reply.body);
  });
}

/** Ends the exchange without an answer, as a dead peer or a cut connection would. */
export const drop = (response: ServerResponse): void => void response.socket?.destroy();

export function sendText(response: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  if (response.destroyed) return;
  response.writeHead(status, { ...headers, 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)) }).end(body);
}
