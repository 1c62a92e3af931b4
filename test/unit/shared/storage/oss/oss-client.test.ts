import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startOssServer, type OssServer } from '../../../../../local/oss/oss-server';
import { createOssClient, type OssClientOptions } from '../../../../../shared/storage/oss/oss-client';
import { createOssTransport } from '../../../../../shared/storage/oss/urllib-transport';

const BUCKET = 'chat';
const STATIC = { accessKeyId: 'LTAIlocal', accessKeySecret: 'local-secret' };
const STS = { accessKeyId: 'STS.local', accessKeySecret: 'sts-secret', securityToken: 'sts-token' };

function options(overrides: Partial<OssClientOptions> = {}): OssClientOptions {
  const transport = createOssTransport({ maxBodyBytes: 1 << 20 });
  return { bucket: BUCKET, region: 'cn-hangzhou', credentials: STATIC, timeoutMs: 5_000, transport, ...overrides };
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (thrown: unknown) => thrown,
  );
}

/** A server that counts requests and answers them with `behave` (or never). */
async function startMisbehaving(behave: (socket: { destroy(): void }) => void): Promise<{ server: Server; url: string; count: () => number }> {
  let count = 0;
  const server = createServer((req) => {
    count += 1;
    behave(req.socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, count: () => count };
}

describe('createOssClient', () => {
  describe('real endpoints', () => {
    it.each([
      ['cn-hangzhou', false, 'https://chat.oss-cn-hangzhou.aliyuncs.com/history/u1.jsonl'],
      ['oss-cn-hangzhou', false, 'https://chat.oss-cn-hangzhou.aliyuncs.com/history/u1.jsonl'],
      ['cn-shanghai', true, 'https://chat.oss-cn-shanghai-internal.aliyuncs.com/history/u1.jsonl'],
    ])('addresses region %s (internal: %s) over HTTPS at %s', (region, internal, expected) => {
      // Act
      const client = createOssClient(options({ region, internal }));

      // Assess
      expect(client.generateObjectUrl('history/u1.jsonl')).toBe(expected);
    });

    it('keeps virtual-hosted addressing for an explicit aliyuncs.com endpoint', () => {
      // Act
      const client = createOssClient(options({ endpoint: 'https://oss-cn-beijing-internal.aliyuncs.com' }));

      // Assess
      expect(client.generateObjectUrl('k')).toBe('https://chat.oss-cn-beijing-internal.aliyuncs.com/k');
    });

    it.each(['hangzhou!', 'cn hangzhou'])('rejects the malformed region %s', (region) => {
      // Act
      const create = () => createOssClient(options({ region }));

      // Assess
      expect(create).toThrow(TypeError);
    });

    it('rejects an endpoint that is not http(s)', () => {
      // Act
      const create = () => createOssClient(options({ endpoint: 'ftp://127.0.0.1:21' }));

      // Assess
      expect(create).toThrow(TypeError);
    });
  });

  describe('local endpoints', () => {
    let server: OssServer;

    beforeEach(async () => {
      server = await startOssServer({ buckets: [BUCKET], credentials: [STATIC, STS] });
    });

    afterEach(async () => {
      await server.close();
    });

    it.each([
      ['an IP endpoint', (port: number) => `http://127.0.0.1:${port}`],
      ['a hostname endpoint', (port: number) => `http://localhost:${port}`],
    ])('talks to %s', async (_name, endpoint) => {
      // Prepare
      const client = createOssClient(options({ endpoint: endpoint(server.port) }));

      // Act
      await client.append('history/u1.jsonl', Buffer.from('hello\n'), { position: '0' });
      const read = await client.get('history/u1.jsonl');

      // Assess
      expect(read.content.toString()).toBe('hello\n');
      expect(server.requests.map((r) => [r.bucket, r.key, r.status])).toEqual([
        [BUCKET, 'history/u1.jsonl', 200],
        [BUCKET, 'history/u1.jsonl', 200],
      ]);
    });

    it('signs with STS credentials and their token, without ali-oss printing a warning', async () => {
      // Prepare
      const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);

      // Act
      const client = createOssClient(options({ endpoint: server.url, credentials: STS }));
      await client.put('history/sts.jsonl', Buffer.from('ok\n'));

      // Assess
      expect(server.requests.map((r) => r.status)).toEqual([200]);
      expect(warn).not.toHaveBeenCalled();
      warn.mockRestore();
    });

    it('treats an empty security token as none', async () => {
      // Act
      const client = createOssClient(options({ endpoint: server.url, credentials: { ...STATIC, securityToken: '' } }));
      await client.put('history/static.jsonl', Buffer.from('ok\n'));

      // Assess
      expect(server.requests.map((r) => r.status)).toEqual([200]);
    });
  });

  describe('failures', () => {
    let misbehaving: Awaited<ReturnType<typeof startMisbehaving>> | undefined;

    afterEach(async () => {
      misbehaving?.server.closeAllConnections();
      await new Promise((resolve) => misbehaving?.server.close(resolve));
      misbehaving = undefined;
    });

    it('does not retry an append whose connection broke', async () => {
      // Prepare
      misbehaving = await startMisbehaving((socket) => socket.destroy());
      const client = createOssClient(options({ endpoint: misbehaving.url }));

      // Act
      const error = await rejectionOf(client.append('history/u1.jsonl', Buffer.from('x\n'), { position: '0' }));
      await new Promise((resolve) => setTimeout(resolve, 700));

      // Assess
      expect(error).toMatchObject({ status: -1 });
      expect(misbehaving.count()).toBe(1);
    });

    it('gives up after timeoutMs', async () => {
      // Prepare
      misbehaving = await startMisbehaving(() => undefined);
      const client = createOssClient(options({ endpoint: misbehaving.url, timeoutMs: 200 }));
      const started = Date.now();

      // Act
      const error = await rejectionOf(client.get('history/u1.jsonl'));

      // Assess
      expect(error).toMatchObject({ name: expect.stringMatching(/Timeout/) });
      expect(Date.now() - started).toBeLessThan(2_000);
    });
  });
});
