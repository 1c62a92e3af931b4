import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { elapsedMs, percentile, round } from './figures';

/** HTTP helpers for the acknowledgement figures: a canned-answer server, one POST, and a concurrent load. */
export const CONCURRENCY = 16;

/** A node:http server on 127.0.0.1 that reads each body and gives every request the same answer. */
export async function listen(status: number, headers: Record<string, string>, body: string) {
  const server = createServer((req, res) => req.resume().on('end', () => res.writeHead(status, headers).end(body)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  const close = () => new Promise<void>((resolve) => (server.close(() => resolve()), server.closeAllConnections()));
  return { url, close };
}

export function post(agent: Agent, url: URL, body: Buffer, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(body.length) } }, (res) =>
      res.resume().on('end', () => resolve(res.statusCode ?? 0)),
    );
    req.on('error', reject).end(body);
  });
}

export interface LoadRequest {
  body: Buffer;
  headers: Record<string, string>;
}

/**
 * `total` POSTs from CONCURRENCY clients on keep-alive connections: requests per second and latency p99. `next`
 * builds each request (a fresh message and signature, as DingTalk sends them), outside the timed span.
 */
export async function load(url: URL, next: () => LoadRequest, total: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  let sent = 0;
  const client = async (): Promise<void> => {
    while (sent < total) {
      sent += 1;
      const { body, headers } = next();
      const start = process.hrtime.bigint();
      const status = await post(agent, url, body, headers);
      if (status !== 200) throw new Error(`${url.href} answered ${status}`);
      latencies.push(elapsedMs(start));
    }
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  const seconds = elapsedMs(start) / 1000;
  agent.destroy();
  return { rps: round(latencies.length / seconds, 0), p99: round(percentile(latencies, 99), 3) };
}
