import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PlaygroundEvent } from './playground-api';

/**
 * The page's live feed: Server-Sent Events, one `event: <type>` with JSON data per PlaygroundEvent, to every open
 * page. Written by hand on purpose: the protocol is three lines per event and EventSource in the browser does the
 * rest (reconnects included), so a library would add weight and nothing else.
 */
export interface EventHub {
  publish(event: PlaygroundEvent): void;
  /** GET /playground/api/events: keeps the response open and streams every later event into it. */
  attach(request: IncomingMessage, response: ServerResponse): void;
  close(): void;
}

/** A comment line now and then keeps proxies and the browser from closing an idle stream. */
const KEEP_ALIVE_MS = 15_000;

export function createEventHub(): EventHub {
  const clients = new Set<ServerResponse>();
  const keepAlive = setInterval(() => {
    for (const client of clients) client.write(': keep-alive\n\n');
  }, KEEP_ALIVE_MS);
  keepAlive.unref();
  return {
    publish(event) {
      const frame = `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
      for (const client of clients) client.write(frame);
    },
    attach(request, response) {
      response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
      response.write(': connected\n\n');
      clients.add(response);
      request.on('close', () => clients.delete(response));
    },
    close() {
      clearInterval(keepAlive);
      for (const client of clients) client.end();
      clients.clear();
    },
  };
}
