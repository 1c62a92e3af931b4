import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// The platform half (WeChat posting a user's messages to the server URL) lives in local/, where `npm run chat` uses it too.
export { createFakeWechatPlatform, SERVICE_UNAVAILABLE, type Delivery, type FakeWechatPlatform, type PlatformOptions, type UserMessage } from '../../local/wechat-platform';

/**
 * The WeChat API stand-in for tests, written from WeChat's documented behaviour (docs/wechat.md) and sharing no code
 * with the product: /cgi-bin/stable_token (checks appid and secret) and /cgi-bin/message/custom/send (checks the
 * token, records each text); `failNext` injects errcodes, `expireToken` makes the current token stale, `resetNext`
 * takes the next send (WeChat shows it) and then drops the connection instead of answering.
 */

const readAll = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

export interface FakeWechatApi {
  url: string;
  sent: { touser: string; content: string }[];
  tokenCalls: number;
  /** Requests to custom/send, answered or not. */
  sendCalls: number;
  failNext(path: 'stable_token' | 'custom/send', errcode: number, times?: number): void;
  resetNext(): void;
  expireToken(): void;
  close(): Promise<void>;
}

export async function startFakeWechatApi(options: { appId: string; appSecret: string }): Promise<FakeWechatApi> {
  let token = `token-${randomBytes(8).toString('hex')}`;
  const failures: { path: string; errcode: number }[] = [];
  const api = { sent: [] as FakeWechatApi['sent'], tokenCalls: 0, sendCalls: 0 };
  let resets = 0;
  const answer = (res: ServerResponse, body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const injected = (path: string) => {
    const index = failures.findIndex((failure) => failure.path === path);
    return index < 0 ? undefined : failures.splice(index, 1)[0];
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const body = JSON.parse((await readAll(req)) || '{}') as Record<string, unknown>;
    if (req.method === 'POST' && url.pathname === '/cgi-bin/stable_token') {
      api.tokenCalls += 1;
      const failure = injected('stable_token');
      if (failure) return answer(res, { errcode: failure.errcode, errmsg: 'injected' });
      if (body['appid'] !== options.appId || body['secret'] !== options.appSecret) return answer(res, { errcode: 40125, errmsg: 'invalid appsecret' });
      return answer(res, { access_token: token, expires_in: 7200 });
    }
    if (req.method === 'POST' && url.pathname === '/cgi-bin/message/custom/send') {
      api.sendCalls += 1;
      if (url.searchParams.get('access_token') !== token) return answer(res, { errcode: 40001, errmsg: 'invalid credential' });
      const failure = injected('custom/send');
      if (failure) return answer(res, { errcode: failure.errcode, errmsg: 'injected' });
      const text = body['text'] as { content?: unknown } | undefined;
      if (body['msgtype'] !== 'text' || typeof text?.content !== 'string' || typeof body['touser'] !== 'string') {
        return answer(res, { errcode: 40008, errmsg: 'invalid message type' });
      }
      api.sent.push({ touser: body['touser'], content: text.content });
      if (resets > 0) {
        resets -= 1;
        return req.socket.destroy();
      }
      return answer(res, { errcode: 0, errmsg: 'ok' });
    }
    return res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get sent() { return api.sent; },
    get tokenCalls() { return api.tokenCalls; },
    get sendCalls() { return api.sendCalls; },
    resetNext: () => { resets += 1; },
    failNext: (path, errcode, times = 1) => { for (let i = 0; i < times; i += 1) failures.push({ path, errcode }); },
    expireToken: () => { token = `token-${randomBytes(8).toString('hex')}`; },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

