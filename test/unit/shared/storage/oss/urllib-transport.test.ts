import { createServer } from 'node:net';
import type OSS from 'ali-oss';
import { startOssServer, type OssServer } from '../../../../../local/oss/oss-server';
import { AppendConflictError, StorageError } from '../../../../../shared/errors';
import { createOssAppendLog } from '../../../../../shared/storage/oss/oss-append-log';
import { createOssClient } from '../../../../../shared/storage/oss/oss-client';
import { createOssTransport, type OssTransportOptions } from '../../../../../shared/storage/oss/urllib-transport';
import { sendOversized } from '../../../../../local/dingtalk/oversized-body';
import { useTestServers } from '../../../../helpers/test-servers';

const BUCKET = 'chat';
const STS = { accessKeyId: 'STS.local', accessKeySecret: 'sts-secret', securityToken: 'sts-token' };
const KEY = 'history/dm-u1.jsonl';

const { listen } = useTestServers();

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (thrown: unknown) => thrown,
  );
}

/** A real ali-oss client, as the worker builds it, whose HTTP goes through the transport. */
function clientOf(endpoint: string, transport = createOssTransport({ maxBodyBytes: 1 << 20 }), timeoutMs = 5_000): OSS {
  return createOssClient({ bucket: BUCKET, region: 'cn-hangzhou', endpoint, credentials: STS, timeoutMs, transport });
}

/** A port nothing listens on: bound once to learn a free one, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the OSS transport under ali-oss', () => {
  describe('against the OSS stand-in', () => {
    let oss: OssServer;

    beforeEach(async () => {
      oss = await startOssServer({ buckets: [BUCKET], credentials: [STS] });
    });

    afterEach(async () => {
      await oss.close();
    });

    it('appends at 0, then at the length, and reads both back', async () => {
      // Prepare
      const client = clientOf(oss.url);

      // Act
      const first = await client.append(KEY, Buffer.from('{"n":1}\n'), { position: '0' });
      const second = await client.append(KEY, Buffer.from('{"n":2}\n'), { position: String(first.nextAppendPosition) });
      const read = await client.get(KEY);

      // Assess
      expect([first.nextAppendPosition, second.nextAppendPosition]).toEqual(['8', '16']);
      expect(read.content.toString()).toBe('{"n":1}\n{"n":2}\n');
      expect(read.res.status).toBe(200);
    });

    it('reports an append at a stale position as 409 PositionNotEqualToLength, and HEAD gives the real length', async () => {
      // Prepare
      const client = clientOf(oss.url);
      await client.append(KEY, Buffer.from('abc\n'), { position: '0' });

      // Act
      const error = await rejectionOf(client.append(KEY, Buffer.from('late\n'), { position: '0' }));
      const conflict = await rejectionOf(createOssAppendLog(client).append(KEY, 0, 'late\n'));
      const length = await createOssAppendLog(client).length(KEY);

      // Assess
      expect(error).toMatchObject({ status: 409, code: 'PositionNotEqualToLength', name: 'PositionNotEqualToLengthError' });
      expect(conflict).toBeInstanceOf(AppendConflictError);
      expect(length).toBe(4);
    });

    it('reads a byte range with 206 and its Content-Range', async () => {
      // Prepare
      const client = clientOf(oss.url);
      await client.put(KEY, Buffer.from('0123456789'));

      // Act
      const read = await client.get(KEY, { headers: { Range: 'bytes=2-4' } });

      // Assess
      expect(read.content.toString()).toBe('234');
      expect(read.res.status).toBe(206);
      expect((read.res.headers as Record<string, string>)['content-range']).toBe('bytes 2-4/10');
    });

    it('reports a missing object as NoSuchKey on GET (error document) and on HEAD (no body)', async () => {
      // Prepare
      const client = clientOf(oss.url);

      // Act
      const onGet = await rejectionOf(client.get('history/none.jsonl'));
      const onHead = await rejectionOf(client.head('history/none.jsonl'));

      // Assess
      expect(onGet).toMatchObject({ status: 404, code: 'NoSuchKey' });
      expect(onHead).toMatchObject({ status: 404, code: 'NoSuchKey' });
    });

    it('puts an object and deletes it', async () => {
      // Prepare
      const client = clientOf(oss.url);

      // Act
      await client.put(KEY, Buffer.from('whole\n'), { mime: 'application/x-ndjson' } as OSS.PutObjectOptions);
      const before = (await client.get(KEY)).content.toString();
      const removed = await client.delete(KEY);
      const after = await rejectionOf(client.get(KEY));

      // Assess
      expect(before).toBe('whole\n');
      expect(removed.res.status).toBe(204);
      expect(after).toMatchObject({ code: 'NoSuchKey' });
    });

    it('keeps the connection alive from one per-invocation client to the next', async () => {
      // Prepare
      const transport = createOssTransport({ maxBodyBytes: 1 << 20 });
      await clientOf(oss.url, transport).put(KEY, Buffer.from('x\n'));

      // Act
      const next = await clientOf(oss.url, transport).head(KEY);

      // Assess
      expect(next.res).toMatchObject({ status: 200, keepAliveSocket: true });
    });

    it('refuses an answer longer than maxBodyBytes, announced by its Content-Length', async () => {
      // Prepare
      const client = clientOf(oss.url, createOssTransport({ maxBodyBytes: 1024 }));
      await client.put(KEY, Buffer.alloc(2048, 'x'));

      // Act
      const error = await rejectionOf(client.get(KEY));
      const fromLog = await rejectionOf(createOssAppendLog(client).readAll(KEY, 4096));

      // Assess
      expect(error).toMatchObject({ name: 'ResponseTooLargeError', status: -1 });
      expect(fromLog).toBeInstanceOf(StorageError);
    });
  });

  describe('against endpoints that misbehave', () => {
    it('stops reading an unannounced (chunked) answer past maxBodyBytes and drops the connection', async () => {
      // Prepare
      let written: Promise<number> | undefined;
      const url = await listen((_req, res) => {
        written = sendOversized(res, 200, { bytes: 512 * 1024 * 1024 });
      });
      const client = clientOf(url, createOssTransport({ maxBodyBytes: 1 << 20 }));

      // Act
      const error = await rejectionOf(client.get(KEY));

      // Assess
      expect(error).toMatchObject({ name: 'ResponseTooLargeError', status: -1 });
      expect(await written).toBeLessThan(64 * 1024 * 1024);
    });

    it('gives up on an endpoint that never answers with the ResponseTimeoutError ali-oss names', async () => {
      // Prepare
      const url = await listen(() => undefined);
      const client = clientOf(url, undefined, 200);

      // Act
      const error = await rejectionOf(client.get(KEY));

      // Assess
      expect(error).toMatchObject({ name: 'ResponseTimeoutError' });
      expect((error as Error).message).toMatch(/^Response timeout for 200ms/);
    });

    it('waits for a slow answer longer than the idle-socket limit, which applies to idle sockets only', async () => {
      // Prepare
      const url = await listen((_req, res) => {
        setTimeout(() => res.writeHead(200, { 'content-length': '3' }).end('abc'), 150);
      });
      const client = clientOf(url, createOssTransport({ maxBodyBytes: 1024, idleSocketMs: 20 }));

      // Act
      const read = await client.get(KEY);

      // Assess
      expect(read.content.toString()).toBe('abc');
    });

    it('reports a refused connection as a network failure (status -1), which the history turns into a StorageError', async () => {
      // Prepare
      const client = clientOf(`http://127.0.0.1:${await closedPort()}`);

      // Act
      const error = await rejectionOf(client.append(KEY, Buffer.from('x\n'), { position: '0' }));
      const fromLog = await rejectionOf(createOssAppendLog(client).append(KEY, 0, 'x\n'));

      // Assess
      expect(error).toMatchObject({ name: 'RequestError', status: -1, code: 'RequestError' });
      expect((error as Error).message).toMatch(/ECONNREFUSED/);
      expect(fromLog).toBeInstanceOf(StorageError);
      expect(fromLog).not.toBeInstanceOf(AppendConflictError);
    });

    it('reports a connection cut mid-answer as a network failure, not as a garbled error document', async () => {
      // Prepare
      const url = await listen((_req, res) => {
        res.writeHead(200, { 'content-length': '100' });
        res.write('abc', () => res.socket?.destroy());
      });

      // Act
      const error = await rejectionOf(clientOf(url).get(KEY));

      // Assess
      expect(error).toMatchObject({ name: 'ResponseError', status: -1 });
    });
  });

  it('refuses what it does not do (streams) instead of half doing it', async () => {
    // Prepare
    const url = await listen((_req, res) => res.end());

    // Act
    const error = await rejectionOf(clientOf(url).getStream(KEY));

    // Assess
    expect(error).toMatchObject({ name: 'UnsupportedRequestError', status: -1 });
  });

  it.each<[string, OssTransportOptions]>([
    ['negative', { maxBodyBytes: -1 }],
    ['fractional', { maxBodyBytes: 1.5 }],
  ])('refuses a %s maxBodyBytes', (_label, options) => {
    // Act
    const create = () => createOssTransport(options);

    // Assess
    expect(create).toThrow(RangeError);
  });
});
