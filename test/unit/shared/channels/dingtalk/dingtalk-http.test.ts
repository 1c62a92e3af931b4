import { createAccessTokenProvider } from '../../../../../shared/channels/dingtalk/access-token';
import { createCardClient } from '../../../../../shared/channels/dingtalk/card-client';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';
import axios, { type AxiosInstance } from 'axios';
import { connectionOutcome, createDingTalkHttp, DINGTALK_ANSWER_MAX_BYTES, statusReason } from '../../../../../shared/channels/dingtalk/dingtalk-http';
import { createMessageFiles } from '../../../../../shared/channels/dingtalk/message-files';
import { createOpenApiClient } from '../../../../../shared/channels/dingtalk/openapi-client';
import { createSessionWebhookSender } from '../../../../../shared/channels/dingtalk/session-webhook';
import { parseWebhookHosts } from '../../../../../shared/channels/dingtalk/webhook-hosts';
import { createDingTalkMessage } from '../../../../helpers/builders';
import {
  STAND_IN_CARD_CONTENT_KEY,
  STAND_IN_CARD_TEMPLATE_ID,
  type DingTalkStandIn,
  type StandInFailure,
  type StandInRoute,
  startDingTalkStandIn,
} from '../../../../../local/dingtalk/dingtalk-stand-in';
import { gzipBomb } from '../../../../../local/dingtalk/oversized-body';
import { useTestServers } from '../../../../helpers/test-servers';

const MB = 1024 * 1024;
const BOMB_BYTES = 64 * MB;

/**
 * The worker's one DingTalk HTTP client, against every DingTalk call it makes: no answer is read past
 * DINGTALK_ANSWER_MAX_BYTES (inflated bytes, not wire bytes), and no redirect is followed.
 */
describe('createDingTalkHttp', () => {
  const http = createDingTalkHttp({ timeoutMs: 5000 });
  let fake: DingTalkStandIn;
  /** Where the redirects point: it must never be asked anything. */
  let elsewhere: DingTalkStandIn;

  beforeEach(async () => {
    [fake, elsewhere] = await Promise.all([startDingTalkStandIn(), startDingTalkStandIn()]);
  });
  afterEach(() => Promise.all([fake.close(), elsewhere.close()]));

  const tokens = () => createAccessTokenProvider({ http, apiBase: fake.url, appKey: fake.appKey, appSecret: fake.appSecret });
  const calls: Record<string, { route: StandInRoute; call: () => Promise<unknown> }> = {
    'the session webhook': {
      route: 'webhook',
      call: () => createSessionWebhookSender({ http, allowedHosts: parseWebhookHosts([new URL(fake.url).host]) }).send({ url: fake.webhookUrl('s1') }, { title: 't', text: '你好' }),
    },
    'the access token': { route: 'token', call: () => tokens().get() },
    'a 1:1 robot message (batchSend)': {
      route: 'batchSend',
      call: () => createOpenApiClient({ http, apiBase: fake.url, tokens: tokens() }).sendToUser({ robotCode: fake.appKey, userId: 'u1', title: 't', text: 'x' }),
    },
    'a group robot message (groupMessages/send)': {
      route: 'groupSend',
      call: () => createOpenApiClient({ http, apiBase: fake.url, tokens: tokens() }).sendToGroup({ robotCode: fake.appKey, conversationId: 'cid==', title: 't', text: 'x' }),
    },
    'an AI card (createAndDeliver)': {
      route: 'cardCreate',
      call: () =>
        createCardClient({ http, apiBase: fake.url, tokens: tokens(), appKey: fake.appKey, templateId: STAND_IN_CARD_TEMPLATE_ID, contentKey: STAND_IN_CARD_CONTENT_KEY })
          .create({ outTrackId: 'card-1', message: createDingTalkMessage({ robotCode: fake.appKey }), content: '思考中…' }),
    },
    'a message file download URL': {
      route: 'fileDownload',
      call: () => {
        fake.addFile('code-1', { body: Buffer.from('GIF89a') });
        return createMessageFiles({ http, apiBase: fake.url, tokens: tokens(), appKey: fake.appKey, maxBytes: MB }).downloadImage({ downloadCode: 'code-1' });
      },
    },
  };
  const attacks: Array<[string, () => StandInFailure, string]> = [
    ['a 300 MB answer', () => ({ status: 200, oversized: { bytes: 300 * MB } }), `larger than ${DINGTALK_ANSWER_MAX_BYTES} bytes`],
    ['a gzip bomb', () => ({ status: 200, oversized: { bytes: BOMB_BYTES, gzip: true } }), `larger than ${DINGTALK_ANSWER_MAX_BYTES} bytes`],
    ['a 302 redirect', () => ({ status: 302, headers: { location: `${elsewhere.url}/robot/sendBySession?session=x` } }), statusReason(302)],
    ['a 307 redirect', () => ({ status: 307, headers: { location: `${elsewhere.url}/v1.0/robot/oToMessages/batchSend` } }), statusReason(307)],
  ];
  const cases = Object.entries(calls).flatMap(([name, target]) => attacks.map(([attack, failure, reason]) => [name, attack, target, failure, reason] as const));

  it.each(cases)('fails %s on %s, saying why, and follows nothing', async (_name, _attack, target, failure, reason) => {
    // Prepare
    fake.failNext(target.route, 1, failure());

    // Act
    const error: unknown = await target.call().then(
      () => new Error('expected the call to fail'),
      (thrown: unknown) => thrown,
    );

    // Assess
    expect((error as Error).message).toContain(reason);
    expect((error as Error).message).not.toContain(fake.url);
    expect(elsewhere.requests).toEqual([]);
    expect(fake.messages).toEqual([]);
  });

  it('counts inflated bytes: a bomb smaller than the limit on the wire still fails, a small gzip answer does not', async () => {
    // Prepare
    const wireBytes = (await gzipBomb(BOMB_BYTES)).length;
    const webhook = createSessionWebhookSender({ http, allowedHosts: parseWebhookHosts([new URL(fake.url).host]) });
    fake.failNext('webhook', 1, { status: 200, oversized: { bytes: DINGTALK_ANSWER_MAX_BYTES / 2, gzip: true } });
    fake.failNext('webhook', 1, { status: 200, oversized: { bytes: BOMB_BYTES, gzip: true } });

    // Act
    const small = await webhook.send({ url: fake.webhookUrl('s1') }, { title: 't', text: 'a' }).then(() => 'read');
    const bomb = await webhook.send({ url: fake.webhookUrl('s1') }, { title: 't', text: 'b' }).catch((error: Error) => error.message);

    // Assess
    expect(wireBytes).toBeLessThan(DINGTALK_ANSWER_MAX_BYTES);
    expect(small).toBe('read');
    expect(bomb).toBe(`session webhook failed: the answer is larger than ${DINGTALK_ANSWER_MAX_BYTES} bytes`);
  });
});

/**
 * connectionOutcome, against real sockets on 127.0.0.1: whether a request that got no HTTP answer could have reached
 * the server. Only a certain "never" may be sent again by another path.
 */
describe('connectionOutcome', () => {
  const servers = useTestServers();
  const tcpServers: TcpServer[] = [];
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    for (const server of tcpServers.splice(0)) await new Promise((resolve) => server.close(resolve));
  });
  /** A raw TCP server (it speaks no HTTP or TLS unless `onData` does); resolves to its port. */
  const tcpServer = async (onData: (socket: Socket) => void = () => undefined): Promise<number> => {
    const server = createTcpServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => undefined);
      socket.once('data', () => onData(socket));
    });
    tcpServers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };
  /** A port nobody listens on: connecting to it is refused. */
  const closedPort = async (): Promise<number> => {
    const port = await tcpServer();
    const server = tcpServers.pop();
    await new Promise((resolve) => server?.close(resolve));
    return port;
  };
  const failureOf = (http: AxiosInstance, url: string): Promise<unknown> =>
    http.post(url, { msgtype: 'markdown' }, { validateStatus: () => true }).then(
      () => new Error('expected the request to fail'),
      (error: unknown) => error,
    );
  const tracked = createDingTalkHttp({ timeoutMs: 300 });

  it.each([
    ['a refused connection (closed port)', async () => `http://127.0.0.1:${await closedPort()}/`, 'ECONNREFUSED'],
    ['a TLS handshake the server never answers', async () => `https://127.0.0.1:${await tcpServer()}/`, 'ECONNABORTED'],
    ['a TLS handshake answered with plain HTTP', async () => `https://127.0.0.1:${await tcpServer((socket) => socket.end('HTTP/1.1 200 OK\r\n\r\n'))}/`, 'EPROTO'],
  ])('says never-established for %s', async (_label, url, code) => {
    // Act
    const error = await failureOf(tracked, await url());

    // Assess
    expect(error).toMatchObject({ code });
    expect(connectionOutcome(error)).toBe('never-established');
  });

  it.each<[string, RequestListener, string]>([
    ['a server that reads the request and never answers', (request) => request.resume(), 'ECONNABORTED'],
    ['a server that resets after reading the body', (request) => request.on('end', () => request.socket.destroy()).resume(), 'ECONNRESET'],
  ])('says lost-after-sending for %s', async (_label, listener, code) => {
    // Prepare
    const url = await servers.listen(listener);

    // Act
    const error = await failureOf(tracked, url);

    // Assess
    expect(error).toMatchObject({ code });
    expect(connectionOutcome(error)).toBe('lost-after-sending');
  });

  it('says lost-after-sending when a kept-alive socket that served one answer breaks on the next request', async () => {
    // Prepare
    let served = 0;
    const url = await servers.listen((request, response) => {
      served += 1;
      request.resume();
      if (served === 1) request.on('end', () => response.end('{"errcode":0}'));
      else request.on('end', () => request.socket.destroy());
    });
    await tracked.post(url, {});

    // Act
    const error = await failureOf(tracked, url);

    // Assess
    expect((error as { request?: { reusedSocket?: boolean } }).request?.reusedSocket).toBe(true);
    expect(connectionOutcome(error)).toBe('lost-after-sending');
  });

  it('assumes the worst for an untracked agent, unless the error code proves the connection failed', async () => {
    // Prepare
    const plain = axios.create({ timeout: 300 });
    const silent = await servers.listen((request) => request.resume());

    // Act
    const noAnswer = await failureOf(plain, silent);
    const refused = await failureOf(plain, `http://127.0.0.1:${await closedPort()}/`);

    // Assess
    expect(connectionOutcome(noAnswer)).toBe('lost-after-sending');
    expect(connectionOutcome(refused)).toBe('never-established');
  });

  it('says never-established when axios made no request at all', async () => {
    // Act
    const error = await failureOf(tracked, 'http://[not a host/');

    // Assess
    expect(connectionOutcome(error)).toBe('never-established');
  });
});
