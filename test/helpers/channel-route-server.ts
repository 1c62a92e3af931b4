import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChannelRoute } from '../../shared/channels/channel';
import { toHttpRequest } from '../../shared/fc/http-event';
import { errorToHttpResponse } from '../../shared/fc/http-response';
import { fcContext } from './builders';

/**
 * One channel route behind a real HTTP server on 127.0.0.1, the way FC's HTTP trigger hands it requests: each request
 * becomes the FC event (query parameters included), which toHttpRequest reads. Like FC, a handler runs to its end
 * even when the client has gone away.
 */
export async function serveChannelRoute(route: ChannelRoute, maxBodyBytes = 64 * 1024): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const event = Buffer.from(JSON.stringify({
      version: 'v1',
      rawPath: url.pathname,
      body: Buffer.concat(chunks).toString('base64'),
      isBase64Encoded: true,
      headers: Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, String(value)])),
      queryParameters: Object.fromEntries(url.searchParams),
      requestContext: { requestId: 'req-1', http: { method: req.method ?? 'GET', path: url.pathname } },
    }));
    let response;
    try {
      response = await route.handle(toHttpRequest(event, maxBodyBytes), fcContext);
    } catch (error) {
      response = errorToHttpResponse(error);
    }
    if (!res.destroyed) res.writeHead(response.statusCode, response.headers).end(response.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/wechat`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
