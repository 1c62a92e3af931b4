import type { RequestListener } from 'node:http';
import { Agent } from 'node:http';
import { boundedRequest } from '../../../../shared/http/bounded-request';
import { connectionOutcome, ConnectionTrackingHttpAgent } from '../../../../shared/http/delivery-certainty';
import { useTestServers } from '../../../helpers/test-servers';

const servers = useTestServers();
const listen = async (listener: RequestListener): Promise<URL> => new URL(await servers.listen(listener));

const call = (url: URL, overrides: Partial<Parameters<typeof boundedRequest>[0]> = {}) =>
  boundedRequest({ url, method: 'POST', path: '/p?q=1', headers: { 'x-test': 'yes' }, body: Buffer.from('hi'), signal: AbortSignal.timeout(2000), maxBodyBytes: 16, ...overrides });

describe('boundedRequest', () => {
  it('sends method, target, headers and body, and returns status, headers and body', async () => {
    // Prepare
    let seen = '';
    const url = await listen((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => {
        seen = `${req.method} ${req.url} ${req.headers['x-test']} ${req.headers['content-length']} ${Buffer.concat(chunks).toString()}`;
        res.writeHead(201, { 'x-answer': '42' }).end('ok');
      });
    });
    // Act
    const reply = await call(url);
    // Assess
    expect(seen).toBe('POST /p?q=1 yes 2 hi');
    expect(reply).toMatchObject({ status: 201, truncated: false, body: Buffer.from('ok') });
    expect(reply.headers['x-answer']).toBe('42');
  });

  it('keeps only maxBodyBytes of a long answer and drops the connection', async () => {
    // Prepare
    const url = await listen((_req, res) => res.end('x'.repeat(100_000)));
    // Act
    const reply = await call(url);
    // Assess
    expect(reply.truncated).toBe(true);
    expect(reply.body.toString()).toBe('x'.repeat(16));
  });

  it('returns a redirect as it is, without following it', async () => {
    // Prepare
    let followed = false;
    const target = await listen((_req, res) => {
      followed = true;
      res.end();
    });
    const url = await listen((_req, res) => res.writeHead(301, { location: `${target.origin}/` }).end());
    // Act
    const reply = await call(url);
    // Assess
    expect(reply.status).toBe(301);
    expect(followed).toBe(false);
  });

  it('ends when its signal aborts', async () => {
    // Prepare
    const url = await listen(() => undefined);
    // Act
    const error = await call(url, { signal: AbortSignal.timeout(50) }).catch((caught: unknown) => caught);
    // Assess
    expect(error).toMatchObject({ name: 'AbortError' });
  });

  it.each([[true, 2], [false, 1]])('idempotent %s: a kept-alive socket reset after the request was written is sent %i time(s) in all', async (idempotent, times) => {
    // Prepare: the first request leaves a kept-alive socket; the second is read and then its connection dropped
    let requests = 0;
    const url = await listen((req, res) => {
      requests += 1;
      req.resume().on('end', () => (requests === 2 ? req.socket.destroy() : res.end('ok')));
    });
    const agent = new ConnectionTrackingHttpAgent({ keepAlive: true });
    await call(url, { agent });
    // Act
    const outcome = await call(url, { agent, idempotent }).then(() => 'answered', (error: unknown) => connectionOutcome(error));
    // Assess: without the resend the caller learns the send may have arrived
    expect(requests).toBe(1 + times);
    expect(outcome).toBe(idempotent ? 'answered' : 'lost-after-sending');
    agent.destroy();
  });

  it('says never-established for a refused connection, with or without a tracking agent', async () => {
    // Prepare: port 1 on 127.0.0.1, where nothing listens
    const closed = new URL('http://127.0.0.1:1/');
    // Act
    const outcomes = await Promise.all([new Agent(), new ConnectionTrackingHttpAgent()].map((agent) =>
      call(closed, { agent }).then(() => 'answered', (error: unknown) => connectionOutcome(error))));
    // Assess
    expect(outcomes).toEqual(['never-established', 'never-established']);
  });
});
