import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoggedRequest, StandInName } from './protocol';

/**
 * Every request the stand-ins answer, whole and in arrival order, taken from node:http's own diagnostics channel
 * rather than from each server's log (which keeps only what its tests need). The entry is listed when the request
 * arrives and completed when its answer has gone, so a caller that has its answer finds it complete.
 */
interface ServerStart {
  request: IncomingMessage;
  response: ServerResponse;
  server: Server;
}

export function recordRequests(portNames: () => ReadonlyMap<number, StandInName>): LoggedRequest[] {
  const log: LoggedRequest[] = [];
  subscribe('http.server.request.start', (message) => {
    const { request, response, server } = message as ServerStart;
    const name = portNames().get((server.address() as AddressInfo | null)?.port ?? -1);
    if (name === undefined) return;
    const entry: LoggedRequest = { server: name, method: request.method ?? 'GET', path: request.url ?? '/', headers: {}, body: '', status: 0 };
    for (const [key, value] of Object.entries(request.headers)) if (value !== undefined) entry.headers[key] = value;
    log.push(entry);
    const chunks: Buffer[] = [];
    // Added in the same tick as the server's own listener, before any body chunk is read: both see every chunk.
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => (entry.body = Buffer.concat(chunks).toString('base64')));
    response.on('finish', () => (entry.status = response.statusCode));
  });
  return log;
}
