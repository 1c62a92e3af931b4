import { startOssServer, type OssServer } from '../../../../../local/oss/oss-server';
import { NotAppendableError, StorageError } from '../../../../../shared/errors';
import type { AppendLog } from '../../../../../shared/storage/append-log';
import { createOssAppendLog } from '../../../../../shared/storage/oss/oss-append-log';
import { createOssClient, type OssClientOptions } from '../../../../../shared/storage/oss/oss-client';
import { createOssTransport } from '../../../../../shared/storage/oss/urllib-transport';
import { expectedTail } from '../../../../contract/append-log.contract';

const BUCKET = 'chat';
const CREDENTIALS = { accessKeyId: 'STS.local', accessKeySecret: 'sts-secret', securityToken: 'sts-token' };
const KEY = 'history/dm-u1.jsonl';

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (thrown: unknown) => thrown,
  );
}

/** What only OSS has: one request per tail read and its failure modes. The port's semantics: test/contract/. */
describe('createOssAppendLog', () => {
  let server: OssServer;
  let log: AppendLog;
  let makeLog: (overrides?: Partial<OssClientOptions>) => AppendLog;
  // As the worker has it: one transport for the instance, under every per-invocation client.
  const transport = createOssTransport({ maxBodyBytes: 1 << 20 });

  beforeEach(async () => {
    server = await startOssServer({ buckets: [BUCKET], credentials: [CREDENTIALS] });
    makeLog = (overrides = {}) =>
      createOssAppendLog(
        createOssClient({ bucket: BUCKET, region: 'cn-hangzhou', endpoint: server.url, credentials: CREDENTIALS, timeoutMs: 5_000, transport, ...overrides }),
      );
    log = makeLog();
  });

  afterEach(async () => {
    await server.close();
  });

  async function write(lines: string[]): Promise<number> {
    return log.append(KEY, 0, lines.map((line) => `${line}\n`).join(''));
  }

  describe('readTail', () => {
    it('reads only whole lines from the end of a long object, with one request, and its full length', async () => {
      // Prepare
      const lines = Array.from({ length: 500 }, (_, i) => `{"turn":${i},"text":"${'x'.repeat(i % 37)}"}`);
      const length = await write(lines);
      const before = server.requests.length;

      // Act
      const tail = await log.readTail(KEY, 1000);

      // Assess
      expect(server.requests.slice(before).map((r) => r.operation)).toEqual(['GetObject']);
      expect(tail.length).toBe(length);
      expect(tail.truncated).toBe(true);
      expect(tail.text).toBe(expectedTail(lines, 1000));
      expect(Buffer.byteLength(tail.text)).toBeLessThanOrEqual(1000);
      expect(tail.text.length).toBeGreaterThan(900);
    });
  });

  describe('readFrom', () => {
    it('learns that nothing was appended with one GetObject, and reads new bytes with one', async () => {
      // Prepare
      const length = await write(['{"n":1}']);
      const before = server.requests.length;

      // Act
      const none = await log.readFrom(KEY, length, 1000);
      const later = await log.append(KEY, length, '{"n":2}\n');
      const fresh = await log.readFrom(KEY, length, 1000);

      // Assess
      expect(server.requests.slice(before).map((r) => r.operation)).toEqual(['GetObject', 'AppendObject', 'GetObject']);
      expect(none).toEqual({ bytes: Buffer.alloc(0), length });
      expect(fresh).toEqual({ bytes: Buffer.from('{"n":2}\n'), length: later });
    });
  });

  describe('storage failures', () => {
    it.each<[string, (log: AppendLog) => Promise<unknown>]>([
      ['readTail', (l) => l.readTail(KEY, 100)],
      ['append', (l) => l.append(KEY, 0, 'x\n')],
      ['length', (l) => l.length(KEY)],
      ['remove', (l) => l.remove(KEY)],
    ])('%s throws StorageError when the server is gone', async (_name, call) => {
      // Prepare
      await server.close();

      // Act
      const error = await rejectionOf(call(log));

      // Assess
      expect(error).toBeInstanceOf(StorageError);
    });

    it.each<[string, (log: AppendLog) => Promise<unknown>]>([
      ['readTail', (l) => l.readTail(KEY, 100)],
      ['append', (l) => l.append(KEY, 0, 'x\n')],
      ['length', (l) => l.length(KEY)],
      ['remove', (l) => l.remove(KEY)],
    ])('%s throws StorageError, not a conflict or an empty history, with wrong credentials', async (_name, call) => {
      // Prepare
      const forged = makeLog({ credentials: { ...CREDENTIALS, securityToken: 'expired-token' } });

      // Act
      const error = await rejectionOf(call(forged));

      // Assess
      expect(error).toBeInstanceOf(StorageError);
      expect((error as StorageError).cause).toMatchObject({ status: 403, code: 'InvalidSecurityToken' });
    });

    it('reports a missing bucket as a StorageError, not as an empty history', async () => {
      // Prepare
      const misconfigured = makeLog({ bucket: 'no-such-bucket' });

      // Act
      const read = await rejectionOf(misconfigured.readTail(KEY, 100));
      const append = await rejectionOf(misconfigured.append(KEY, 0, 'x\n'));

      // Assess
      expect(read).toBeInstanceOf(StorageError);
      expect(append).toBeInstanceOf(StorageError);
      expect((append as StorageError).cause).toMatchObject({ status: 404, code: 'NoSuchBucket' });
    });

    it('reports appending to an object that is not appendable as NotAppendableError, for the conversation to move on', async () => {
      // Prepare
      const client = createOssClient({ bucket: BUCKET, region: 'cn-hangzhou', endpoint: server.url, credentials: CREDENTIALS, timeoutMs: 5_000, transport });
      await client.put(KEY, Buffer.from('written whole\n'));

      // Act
      const error = await rejectionOf(log.append(KEY, 14, 'x\n'));

      // Assess
      expect(error).toBeInstanceOf(NotAppendableError);
      expect((error as NotAppendableError).cause).toMatchObject({ status: 409, code: 'ObjectNotAppendable' });
    });
  });
});
