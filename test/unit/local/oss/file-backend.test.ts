import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import OSS from 'ali-oss';
import { build } from 'esbuild';
import { createFileBackend } from '../../../../local/oss/file-backend';
import { nodeFileSystem, type BackendFileSystem } from '../../../../local/oss/file-system';
import { createObjectStore, type ObjectStore } from '../../../../local/oss/object-store';
import { startOssServer } from '../../../../local/oss/oss-server';

const BUCKET = 'chat';
const KEY = 'history/u1.jsonl';
const FILE = 'history%2Fu1.jsonl';
const CREDENTIAL = { accessKeyId: 'LTAIlocal', accessKeySecret: 'local-secret' };

/** Node's error for a full disk, duck-typed as the backend sees it. */
function diskFull(): Error {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 });
}

/**
 * node:fs, except that the `failAt`-th call that writes (mkdir, writeFile, writeAt, truncate, rename, link) throws
 * ENOSPC; writes that fail put half their bytes down first, as a disk that fills up mid-write does. Removing files
 * frees space, so removals never fail this way.
 */
function fullDiskAt(failAt: number): { fs: BackendFileSystem; calls: () => number } {
  const real = nodeFileSystem();
  let calls = 0;
  const failsNow = (): boolean => {
    calls += 1;
    return calls === failAt;
  };
  const half = (data: Buffer | string): Buffer => Buffer.from(data).subarray(0, Math.floor(Buffer.byteLength(data) / 2));
  const fs: BackendFileSystem = {
    ...real,
    mkdir: async (path) => (failsNow() ? Promise.reject(diskFull()) : real.mkdir(path)),
    writeFile: async (path, data) => {
      if (!failsNow()) return real.writeFile(path, data);
      await real.writeFile(path, half(data));
      throw diskFull();
    },
    writeAt: async (path, data, position) => {
      if (!failsNow()) return real.writeAt(path, data, position);
      await real.writeAt(path, half(data), position);
      throw diskFull();
    },
    truncate: async (path, length) => (failsNow() ? Promise.reject(diskFull()) : real.truncate(path, length)),
    rename: async (from, to) => (failsNow() ? Promise.reject(diskFull()) : real.rename(from, to)),
    link: async (existing, newPath) => (failsNow() ? Promise.reject(diskFull()) : real.link(existing, newPath)),
  };
  return { fs, calls: () => calls };
}

async function contentOf(store: ObjectStore): Promise<{ type: string; etag: string; data: string } | undefined> {
  const read = await store.get(BUCKET, KEY);
  return read && { type: read.object.type, etag: read.object.etag, data: read.data.toString() };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error: unknown = await promise.then(() => undefined, (thrown: unknown) => thrown);
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'none';
}

describe('createFileBackend', () => {
  let dataDir: string;
  const realStore = () => createObjectStore(createFileBackend(dataDir));
  /** What is left in the scratch folder (none when it was never made). */
  const scratchFiles = () => readdir(join(dataDir, BUCKET, '.oss-tmp')).catch(() => []);
  const append = (store: ObjectStore, text: string, position: number) =>
    store.append(BUCKET, KEY, { data: Buffer.from(text), contentType: 'application/jsonl', position });
  const put = (store: ObjectStore, text: string) =>
    store.put(BUCKET, KEY, { data: Buffer.from(text), contentType: 'application/json', forbidOverwrite: false });

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'oss-file-backend-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('when the disk fills up at each step in turn', () => {
    it.each<[string, (store: ObjectStore) => Promise<unknown>, (store: ObjectStore) => Promise<unknown>, string]>([
      ['an append to an appendable object', (s) => append(s, 'first\n', 0), (s) => append(s, 'second\n', 6), 'first\nsecond\n'],
      ['the append that creates an object', async () => undefined, (s) => append(s, 'first\n', 0), 'first\n'],
      ['a PutObject replacing an appendable object', (s) => append(s, 'first\n', 0), (s) => put(s, '{"archived":true}'), '{"archived":true}'],
      ['a PutObject creating an object', async () => undefined, (s) => put(s, '{"new":1}'), '{"new":1}'],
    ])('%s fails with ENOSPC, leaves no scratch file and changes nothing', async (_name, prepare, operation, after) => {
      // Prepare
      await prepare(realStore());
      const before = await contentOf(realStore());
      const rawBefore = await readFile(join(dataDir, BUCKET, FILE)).catch(() => undefined);
      let failures = 0;

      for (let failAt = 1; ; failAt += 1) {
        // Act
        const disk = fullDiskAt(failAt);
        const code = await codeOf(operation(createObjectStore(createFileBackend(dataDir, disk.fs))));
        if (disk.calls() < failAt) break; // every step succeeded: nothing was left to fail
        failures += 1;

        // Assess
        expect(code).toBe('ENOSPC');
        expect(await scratchFiles()).toEqual([]);
        expect(await contentOf(realStore())).toEqual(before);
        // Not even past the committed length: the data file holds exactly what it held.
        expect(await readFile(join(dataDir, BUCKET, FILE)).catch(() => undefined)).toEqual(rawBefore);
      }
      expect(failures).toBeGreaterThanOrEqual(4);
      expect((await contentOf(realStore()))?.data).toBe(after);
      expect(await scratchFiles()).toEqual([]);
    });

    it('answers the client 500 InternalError, and the retry succeeds once there is room', async () => {
      // Prepare
      await append(realStore(), 'first\n', 0);
      const server = await startOssServer({ buckets: [BUCKET], credentials: [CREDENTIAL], dataDir, fileSystem: fullDiskAt(3).fs });
      const client = new OSS({ ...CREDENTIAL, bucket: BUCKET, endpoint: server.url } as OSS.Options);

      try {
        // Act
        const failure: unknown = await client.append(KEY, Buffer.from('second\n'), { position: '6' }).catch((error: unknown) => error);
        const retried = await client.append(KEY, Buffer.from('second\n'), { position: '6' });

        // Assess
        expect(failure).toMatchObject({ status: 500, code: 'InternalError' });
        expect(retried.nextAppendPosition).toBe('13');
        expect((await client.get(KEY)).content.toString()).toBe('first\nsecond\n');
      } finally {
        await server.close();
      }
    });
  });

  // A real limit rather than an injected one: the kernel refuses to grow any file of the child past 64 KiB (EFBIG;
  // Node ignores SIGXFSZ), halfway through the data file's write.
  const onPosix = process.platform === 'win32' ? it.skip : it;
  onPosix('survives a real file-size limit (ulimit -f) in a child process with the object intact', async () => {
    // Prepare
    const big = Buffer.alloc(60 * 1024, 'a');
    await realStore().append(BUCKET, KEY, { data: big, contentType: 'text/plain', position: 0 });
    const script = join(dataDir, 'child.js');
    await build({
      stdin: {
        contents: `import { startOssServer } from './local/oss/oss-server';
          startOssServer({ buckets: ['${BUCKET}'], credentials: [${JSON.stringify(CREDENTIAL)}], dataDir: process.argv[2] })
            .then((server) => console.log(server.url));`,
        resolveDir: resolve(__dirname, '../../../..'),
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      outfile: script,
      logLevel: 'silent',
    });
    const child = spawn('bash', ['-c', 'ulimit -f 64 && exec node "$0" "$1"', script, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(child.stdout, 'data')) as [Buffer];
    const client = new OSS({ ...CREDENTIAL, bucket: BUCKET, endpoint: line.toString().trim() } as OSS.Options);

    try {
      // Act
      const failure: unknown = await client.append(KEY, Buffer.alloc(8 * 1024, 'b'), { position: String(big.length) }).catch((error: unknown) => error);
      const head = await client.head(KEY);

      // Assess
      expect(failure).toMatchObject({ status: 500, code: 'InternalError' });
      expect((head.res.headers as Record<string, string>)['x-oss-next-append-position']).toBe(String(big.length));
    } finally {
      child.kill();
      await once(child, 'exit');
    }
    expect(await scratchFiles()).toEqual([]);
    expect(await readFile(join(dataDir, BUCKET, FILE))).toEqual(big);
  });

  it('appends in place: the data file stays the same file, and bytes past the committed length are never read', async () => {
    // Prepare
    const store = realStore();
    await append(store, 'first\n', 0);
    const file = join(dataDir, BUCKET, FILE);
    const inode = (await stat(file)).ino;

    // Act
    await append(store, 'second\n', 6);
    // What a crash between writing the bytes and committing the sidecar leaves.
    await nodeFileSystem().writeAt(file, Buffer.from('torn third li'), 13);
    const afterCrash = await contentOf(store);
    const head = await store.head(BUCKET, KEY);
    await append(store, 'third\n', 13);

    // Assess
    expect((await stat(file)).ino).toBe(inode);
    expect(afterCrash?.data).toBe('first\nsecond\n');
    expect(head?.length).toBe(13);
    expect(await readFile(file, 'utf8')).toBe('first\nsecond\nthird\n');
  });

  describe('an object whose sidecar is lost or garbled', () => {
    const sidecar = () => join(dataDir, BUCKET, '.oss-meta', `${FILE}.json`);
    const failureOf = (promise: Promise<unknown>) => promise.then(() => 'succeeded', (error: { status?: number; code?: string }) => `${error.status} ${error.code}`);

    it.each<[string, () => Promise<void>]>([
      ['missing', () => rm(sidecar())],
      ['not JSON', () => writeFile(sidecar(), '{"type":"Appen')],
      ['JSON of the wrong shape', () => writeFile(sidecar(), '{"type":"Appendable","length":"13"}')],
      ['of a Normal object of another length', () => writeFile(sidecar(), JSON.stringify({ type: 'Normal', contentType: 'text/plain', etag: `"${'0'.repeat(32)}"`, lastModified: new Date().toISOString(), length: 3 }))],
    ])('reads as a Normal object when the sidecar is %s, refuses appends with 409 ObjectNotAppendable, and can be replaced or deleted', async (_name, garble) => {
      // Prepare
      const server = await startOssServer({ buckets: [BUCKET], credentials: [CREDENTIAL], dataDir });
      const client = new OSS({ ...CREDENTIAL, bucket: BUCKET, endpoint: server.url } as OSS.Options);
      try {
        await client.append(KEY, Buffer.from('first\nsecond\n'), { position: '0', mime: 'application/jsonl' });
        await garble();

        // Act
        const head = await client.head(KEY);
        const read = await client.get(KEY);
        const appended = await failureOf(client.append(KEY, Buffer.from('third\n'), { position: '13' }));
        await client.put(KEY, Buffer.from('replaced'));
        const replaced = await client.get(KEY);
        await garble();
        await client.delete(KEY);
        const afterDelete = await failureOf(client.head(KEY));
        const restarted = await client.append(KEY, Buffer.from('new\n'), { position: '0' });

        // Assess
        const headers = head.res.headers as Record<string, string>;
        expect([headers['x-oss-object-type'], headers['content-type'], headers['content-length']]).toEqual(['Normal', 'application/octet-stream', '13']);
        expect(headers['etag']).toBe(`"${createHash('md5').update('first\nsecond\n').digest('hex').toUpperCase()}"`);
        expect(headers['x-oss-next-append-position']).toBeUndefined();
        expect(read.content.toString()).toBe('first\nsecond\n');
        expect(appended).toBe('409 ObjectNotAppendable');
        expect(replaced.content.toString()).toBe('replaced');
        expect(afterDelete).toBe('404 NoSuchKey');
        expect(restarted.nextAppendPosition).toBe('4');
        expect(server.requests.every((request) => request.status < 500)).toBe(true);
      } finally {
        await server.close();
      }
    });

    it('reads a sidecar without its data file as no object, so the history can start again at position 0', async () => {
      // Prepare
      const store = realStore();
      await append(store, 'first\n', 0);
      await rm(join(dataDir, BUCKET, FILE));

      // Act
      const read = await store.get(BUCKET, KEY);
      const restarted = await append(store, 'again\n', 0);

      // Assess
      expect(read).toBeUndefined();
      expect(restarted.kind).toBe('appended');
      expect((await contentOf(store))?.data).toBe('again\n');
    });

    it('keeps reading sidecars written before the committed length was kept (length = file size)', async () => {
      // Prepare
      const store = realStore();
      await append(store, 'first\n', 0);
      const { length: _dropped, ...older } = JSON.parse(await readFile(sidecar(), 'utf8')) as Record<string, unknown>;
      await writeFile(sidecar(), JSON.stringify(older));

      // Act
      const next = await append(store, 'second\n', 6);

      // Assess
      expect(next.kind).toBe('appended');
      expect(await contentOf(store)).toMatchObject({ type: 'Appendable', data: 'first\nsecond\n' });
    });
  });

  it('gives every append a new ETag without hashing the whole object', async () => {
    // Prepare
    const store = realStore();

    // Act
    const first = await append(store, 'same\n', 0);
    const second = await append(store, 'same\n', 5);

    // Assess
    expect(first.kind === 'appended' && second.kind === 'appended').toBe(true);
    const etags = [first, second].map((outcome) => (outcome.kind === 'appended' ? outcome.object.etag : ''));
    expect(etags[0]).toMatch(/^"[0-9A-F]{32}"$/);
    expect(etags[1]).toMatch(/^"[0-9A-F]{32}"$/);
    expect(etags[0]).not.toBe(etags[1]);
    expect((await store.head(BUCKET, KEY))?.etag).toBe(etags[1]);
  });
});
