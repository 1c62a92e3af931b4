import { createHash, createHmac } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OSS from 'ali-oss';
import { startOssServer, type OssServer, type OssServerOptions } from '../../../../local/oss/oss-server';

const BUCKET = 'chat';
const STATIC = { accessKeyId: 'LTAIlocal', accessKeySecret: 'local-secret' };
const STS = { accessKeyId: 'STS.local', accessKeySecret: 'sts-secret', securityToken: 'sts-token' };

/** ali-oss options; `sldEnable` is real but missing from @types/ali-oss. */
type ClientOptions = Partial<OSS.Options> & { sldEnable?: boolean };

interface OssFailure {
  status: number;
  code: string;
}

async function failureOf(promise: Promise<unknown>): Promise<OssFailure> {
  const error: unknown = await promise.then(
    () => new Error('expected the call to fail'),
    (thrown: unknown) => thrown,
  );
  if (error instanceof Error && 'status' in error && 'code' in error) return { status: Number(error.status), code: String(error.code) };
  throw error;
}

function headerOf(res: { headers: object }, name: string): string | undefined {
  const value: unknown = (res.headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A plain HTTP request, path-style, for what ali-oss hides: response headers of failures, the XML, unsigned calls. */
function rawRequest(server: OssServer, method: string, path: string, headers: Record<string, string> = {}, body?: Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** V1 headers computed from the OSS documentation, independently of the server's and ali-oss's code. */
function signedV1(method: string, resource: string, secret: string, extra: { md5?: string; type?: string; oss?: Record<string, string> } = {}) {
  const date = new Date().toUTCString();
  const ossLines = Object.keys(extra.oss ?? {})
    .sort()
    .map((name) => `${name}:${extra.oss?.[name] ?? ''}\n`)
    .join('');
  const stringToSign = `${method}\n${extra.md5 ?? ''}\n${extra.type ?? ''}\n${date}\n${ossLines}${resource}`;
  const signature = createHmac('sha1', secret).update(stringToSign).digest('base64');
  return {
    date,
    authorization: `OSS ${STATIC.accessKeyId}:${signature}`,
    ...(extra.md5 ? { 'content-md5': extra.md5 } : {}),
    ...(extra.type ? { 'content-type': extra.type } : {}),
    ...extra.oss,
  };
}

describe('startOssServer', () => {
  let server: OssServer;
  let client: (options?: ClientOptions) => OSS;

  async function start(options: Partial<OssServerOptions> = {}): Promise<void> {
    server = await startOssServer({ buckets: [BUCKET], credentials: [STATIC, STS], ...options });
  }

  beforeEach(async () => {
    await start();
    // An IP endpoint: ali-oss sends Host: chat.oss-cn-hangzhou.aliyuncs.com and the key as the path.
    client = (options = {}) => new OSS({ ...STATIC, bucket: BUCKET, endpoint: server.url, ...options } as OSS.Options);
  });

  afterEach(async () => {
    await server.close();
  });

  describe('signatures', () => {
    it.each<[string, ClientOptions]>([
      ['V1', {}],
      ['V4', { authorizationV4: true, region: 'oss-cn-shanghai' }],
      ['V1 with an STS token', { ...STS, stsToken: STS.securityToken, refreshSTSTokenInterval: 60_000 }],
      ['V4 with an STS token', { ...STS, stsToken: STS.securityToken, refreshSTSTokenInterval: 60_000, authorizationV4: true }],
    ])('accepts requests ali-oss signs with %s', async (_name, options) => {
      // Prepare
      const oss = client(options);
      const key = 'history/u 1+x(中文)!*.jsonl';

      // Act
      await oss.put(key, Buffer.from('{"a":1}\n'));
      const read = await oss.get(key);

      // Assess
      expect(read.content.toString()).toBe('{"a":1}\n');
      expect(server.requests.map((r) => [r.operation, r.key, r.status])).toEqual([
        ['PutObject', key, 200],
        ['GetObject', key, 200],
      ]);
    });

    it.each<[string, ClientOptions, OssFailure]>([
      ['a wrong secret (V1)', { accessKeySecret: 'guessed' }, { status: 403, code: 'SignatureDoesNotMatch' }],
      ['a wrong secret (V4)', { accessKeySecret: 'guessed', authorizationV4: true }, { status: 403, code: 'SignatureDoesNotMatch' }],
      ['an unknown access key id', { accessKeyId: 'LTAIother' }, { status: 403, code: 'InvalidAccessKeyId' }],
      ['an STS key without its token', { ...STS }, { status: 403, code: 'InvalidAccessKeyId' }],
      ['an STS key with a wrong token', { ...STS, stsToken: 'stale-token', refreshSTSTokenInterval: 60_000 }, { status: 403, code: 'InvalidSecurityToken' }],
    ])('refuses %s and stores nothing', async (_name, options, expected) => {
      // Prepare
      const intruder = client(options);

      // Act
      const failure = await failureOf(intruder.put('history/victim.jsonl', Buffer.from('forged\n')));

      // Assess
      expect(failure).toEqual(expected);
      expect(await failureOf(client().get('history/victim.jsonl'))).toEqual({ status: 404, code: 'NoSuchKey' });
    });

    it('accepts a V1 signature computed as the OSS documentation describes, sub-resources included', async () => {
      // Prepare
      const body = Buffer.from('line\n');
      const md5 = createHash('md5').update(body).digest('base64');
      const headers = signedV1('POST', `/${BUCKET}/raw.log?append&position=0`, STATIC.accessKeySecret, { md5, type: 'text/plain' });

      // Act
      const response = await rawRequest(server, 'POST', `/${BUCKET}/raw.log?append&position=0`, headers, body);

      // Assess
      expect(response.status).toBe(200);
      expect(response.headers['x-oss-next-append-position']).toBe('5');
    });

    it('refuses a signature that leaves out the signed sub-resources', async () => {
      // Prepare: signed as a plain request to the key, sent as an append
      const headers = signedV1('POST', `/${BUCKET}/raw.log`, STATIC.accessKeySecret);

      // Act
      const response = await rawRequest(server, 'POST', `/${BUCKET}/raw.log?append&position=0`, headers, Buffer.from('x'));

      // Assess
      expect(response.status).toBe(403);
      expect(response.body).toContain('<Code>SignatureDoesNotMatch</Code>');
    });

    it('refuses unsigned requests with an OSS error document and a request id', async () => {
      // Act
      const response = await rawRequest(server, 'GET', `/${BUCKET}/anything`);

      // Assess
      expect(response.status).toBe(403);
      expect(response.headers['content-type']).toBe('application/xml');
      const requestId = response.headers['x-oss-request-id'];
      expect(requestId).toMatch(/^[0-9A-F]{24}$/);
      expect(response.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\s*<Error>/);
      expect(response.body).toContain('<Code>AccessDenied</Code>');
      expect(response.body).toContain(`<RequestId>${String(requestId)}</RequestId>`);
    });
  });

  describe('PutObject with x-oss-forbid-overwrite', () => {
    const forbid = { headers: { 'x-oss-forbid-overwrite': 'true' } };

    it('refuses to replace an existing object with 409 FileAlreadyExists', async () => {
      // Prepare
      const oss = client();
      await oss.put('turns/1.json', Buffer.from('first'), forbid);

      // Act
      const failure = await failureOf(oss.put('turns/1.json', Buffer.from('second'), forbid));

      // Assess
      expect(failure).toEqual({ status: 409, code: 'FileAlreadyExists' });
      expect((await oss.get('turns/1.json')).content.toString()).toBe('first');
    });


    it('replaces the object when the header is absent', async () => {
      // Prepare
      const oss = client();
      await oss.put('turns/2.json', Buffer.from('old'));

      // Act
      await oss.put('turns/2.json', Buffer.from('new'));

      // Assess
      expect((await oss.get('turns/2.json')).content.toString()).toBe('new');
    });
  });

  describe('AppendObject', () => {
    it('creates an appendable object at position 0 and continues at the returned position', async () => {
      // Prepare
      const oss = client();

      // Act
      const first = await oss.append('history/a.jsonl', Buffer.from('一\n'), { position: '0' });
      const second = await oss.append('history/a.jsonl', Buffer.from('two\n'), { position: first.nextAppendPosition });

      // Assess
      expect(first.nextAppendPosition).toBe('4');
      expect(second.nextAppendPosition).toBe('8');
      expect((await oss.get('history/a.jsonl')).content.toString()).toBe('一\ntwo\n');
    });

    it('refuses a stale position with 409 PositionNotEqualToLength, the current length, and the data unchanged', async () => {
      // Prepare
      await client().append('stale.log', Buffer.from('abc'), { position: '0' });
      const body = Buffer.from('late');
      const md5 = createHash('md5').update(body).digest('base64');
      const headers = signedV1('POST', `/${BUCKET}/stale.log?append&position=0`, STATIC.accessKeySecret, { md5 });

      // Act
      const viaClient = await failureOf(client().append('stale.log', body, { position: '0' }));
      const raw = await rawRequest(server, 'POST', `/${BUCKET}/stale.log?append&position=0`, headers, body);

      // Assess
      expect(viaClient).toEqual({ status: 409, code: 'PositionNotEqualToLength' });
      expect(raw.status).toBe(409);
      expect(raw.headers['x-oss-next-append-position']).toBe('3');
      expect((await client().get('stale.log')).content.toString()).toBe('abc');
    });

    it('refuses a position beyond zero for an absent object', async () => {
      // Act
      const failure = await failureOf(client().append('absent.log', Buffer.from('x'), { position: '5' }));

      // Assess
      expect(failure).toEqual({ status: 409, code: 'PositionNotEqualToLength' });
      expect(await failureOf(client().head('absent.log'))).toEqual({ status: 404, code: 'NoSuchKey' });
    });


    it('refuses an append that would take the object past the appendable limit, and keeps the object', async () => {
      // Prepare: the limit OSS puts at 5 GB, lowered to 10 bytes
      await server.close();
      await start({ maxAppendableBytes: 10 });
      const oss = client();
      await oss.append('limit.log', Buffer.from('123456'), { position: '0' });

      // Act
      const over = await failureOf(oss.append('limit.log', Buffer.from('78901'), { position: '6' }));
      const upTo = await oss.append('limit.log', Buffer.from('7890'), { position: '6' });

      // Assess
      expect(over).toEqual({ status: 400, code: 'EntityTooLarge' });
      expect(upTo.nextAppendPosition).toBe('10');
      expect((await oss.get('limit.log')).content.toString()).toBe('1234567890');
    });

    it('leaves the object as it is when nothing is appended', async () => {
      // Prepare
      const oss = client();
      const first = await oss.append('same.log', Buffer.from('abc'), { position: '0' });

      // Act
      const empty = await oss.append('same.log', Buffer.alloc(0), { position: '3' });

      // Assess
      expect(empty.nextAppendPosition).toBe('3');
      expect(headerOf(empty.res, 'etag')).toBe(headerOf(first.res, 'etag'));
    });

    it('refuses to append to a normal object with 409 ObjectNotAppendable', async () => {
      // Prepare
      const oss = client();
      await oss.put('normal.txt', Buffer.from('abc'));

      // Act
      const failure = await failureOf(oss.append('normal.txt', Buffer.from('d'), { position: '3' }));

      // Assess
      expect(failure).toEqual({ status: 409, code: 'ObjectNotAppendable' });
      expect((await oss.get('normal.txt')).content.toString()).toBe('abc');
    });
  });

  // In memory a check and its write happen in one tick anyway; on disk real I/O lies between them, which is where
  // serializing per key has to hold.
  describe.each([['in memory', false], ['on disk', true]])('concurrency (%s)', (_name, onDisk) => {
    let dataDir: string | undefined;

    beforeEach(async () => {
      if (!onDisk) return;
      dataDir = await mkdtemp(join(tmpdir(), 'oss-race-'));
      await server.close();
      await start({ dataDir });
    });

    afterEach(async () => {
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

      it('lets exactly one of ten concurrent creators win', async () => {
        // Prepare
        const oss = client();

        // Act
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) => oss.put('turns/race.json', Buffer.from(`writer ${i}`), { headers: { 'x-oss-forbid-overwrite': 'true' } })),
        );

        // Assess
        const winners = results.flatMap((result, i) => (result.status === 'fulfilled' ? [i] : []));
        expect(winners).toHaveLength(1);
        const losers = results.filter((result) => result.status === 'rejected');
        expect(losers.map((result) => (result.reason as { code?: string }).code)).toEqual(Array(9).fill('FileAlreadyExists'));
        expect((await oss.get('turns/race.json')).content.toString()).toBe(`writer ${winners[0]}`);
      });

      it('lets exactly one of ten concurrent appends at the same position land', async () => {
        // Prepare
        const oss = client();
        await oss.append('history/race.jsonl', Buffer.from('start\n'), { position: '0' });

        // Act
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) => oss.append('history/race.jsonl', Buffer.from(`turn ${i}\n`), { position: '6' })),
        );

        // Assess
        const winners = results.flatMap((result, i) => (result.status === 'fulfilled' ? [i] : []));
        expect(winners).toHaveLength(1);
        const content = (await oss.get('history/race.jsonl')).content.toString();
        expect(content).toBe(`start\nturn ${winners[0]}\n`);
      });
  });

  describe('GetObject', () => {
    it.each<[string, number, string, string | undefined]>([
      ['bytes=-3', 206, 'hij', 'bytes 7-9/10'],
      ['bytes=2-4', 206, 'cde', 'bytes 2-4/10'],
      ['bytes=6-', 206, 'ghij', 'bytes 6-9/10'],
      ['bytes=-10', 206, 'abcdefghij', 'bytes 0-9/10'],
      ['bytes=-11', 200, 'abcdefghij', undefined],
      ['bytes=5-10', 200, 'abcdefghij', undefined],
      ['bytes=10-', 200, 'abcdefghij', undefined],
      ['bytes=4-2', 200, 'abcdefghij', undefined],
    ])('answers Range %s with %i %s', async (range, status, content, contentRange) => {
      // Prepare
      const oss = client();
      await oss.put('ten.txt', Buffer.from('abcdefghij'));

      // Act
      const read = await oss.get('ten.txt', undefined, { headers: { Range: range } });

      // Assess
      expect(read.res.status).toBe(status);
      expect(read.content.toString()).toBe(content);
      expect(headerOf(read.res, 'content-range')).toBe(contentRange);
    });

    it.each<[string, number, string, string]>([
      ['bytes=6-', 206, 'ghij', 'bytes 6-9/10'],
      ['bytes=5-20', 206, 'fghij', 'bytes 5-9/10'],
      ['bytes=9-', 206, 'j', 'bytes 9-9/10'],
      ['bytes=-20', 206, 'abcdefghij', 'bytes 0-9/10'],
    ])('with x-oss-range-behavior: standard answers Range %s with %i %s', async (range, status, content, contentRange) => {
      // Prepare
      const oss = client();
      await oss.put('ten.txt', Buffer.from('abcdefghij'));

      // Act
      const read = await oss.get('ten.txt', undefined, { headers: { Range: range, 'x-oss-range-behavior': 'standard' } });

      // Assess
      expect(read.res.status).toBe(status);
      expect(read.content.toString()).toBe(content);
      expect(headerOf(read.res, 'content-range')).toBe(contentRange);
    });

    it.each(['bytes=10-', 'bytes=11-20'])('with x-oss-range-behavior: standard answers Range %s, starting at or past the end, with 416 InvalidRange', async (range) => {
      // Prepare
      const oss = client();
      await oss.put('ten.txt', Buffer.from('abcdefghij'));

      // Act
      const failure = await failureOf(oss.get('ten.txt', undefined, { headers: { Range: range, 'x-oss-range-behavior': 'standard' } }));

      // Assess
      expect(failure).toEqual({ status: 416, code: 'InvalidRange' });
    });

    it('answers a missing key with 404 NoSuchKey', async () => {
      // Act
      const failure = await failureOf(client().get('missing.txt'));

      // Assess
      expect(failure).toEqual({ status: 404, code: 'NoSuchKey' });
    });
  });

  describe('HeadObject', () => {
    it('describes a normal object', async () => {
      // Prepare
      const oss = client();
      const put = await oss.put('normal.json', Buffer.from('{"x":1}'));

      // Act
      const head = await oss.head('normal.json');

      // Assess
      expect(headerOf(head.res, 'content-length')).toBe('7');
      expect(headerOf(head.res, 'etag')).toBe(headerOf(put.res, 'etag'));
      expect(headerOf(head.res, 'etag')).toMatch(/^"[0-9A-F]{32}"$/);
      expect(Date.parse(headerOf(head.res, 'last-modified') ?? '')).not.toBeNaN();
      expect(headerOf(head.res, 'x-oss-object-type')).toBe('Normal');
      expect(headerOf(head.res, 'x-oss-next-append-position')).toBeUndefined();
    });

    it('gives an appendable object its type and next append position', async () => {
      // Prepare
      const oss = client();
      await oss.append('log.jsonl', Buffer.from('12345\n'), { position: '0' });

      // Act
      const head = await oss.head('log.jsonl');

      // Assess
      expect(headerOf(head.res, 'x-oss-object-type')).toBe('Appendable');
      expect(headerOf(head.res, 'x-oss-next-append-position')).toBe('6');
      expect(headerOf(head.res, 'content-length')).toBe('6');
    });

    it('answers a missing key with 404 NoSuchKey, and other failures with their code', async () => {
      // Act
      const missing = await failureOf(client().head('missing.json'));
      const forged = await failureOf(client({ accessKeySecret: 'guessed' }).head('missing.json'));

      // Assess
      expect(missing).toEqual({ status: 404, code: 'NoSuchKey' });
      expect(forged).toEqual({ status: 403, code: 'SignatureDoesNotMatch' });
    });
  });

  describe('DeleteObject', () => {
    it('deletes with 204, and succeeds for a missing key too', async () => {
      // Prepare
      const oss = client();
      await oss.append('gone.jsonl', Buffer.from('x\n'), { position: '0' });

      // Act
      const deleted = await oss.delete('gone.jsonl');
      const again = await oss.delete('gone.jsonl');

      // Assess
      expect([deleted.res.status, again.res.status]).toEqual([204, 204]);
      expect(await failureOf(oss.get('gone.jsonl'))).toEqual({ status: 404, code: 'NoSuchKey' });
      expect((await oss.append('gone.jsonl', Buffer.from('y\n'), { position: '0' })).nextAppendPosition).toBe('2');
    });
  });

  describe.each([['in memory', false], ['on disk', true]])('archiving a history (%s)', (_name, onDisk) => {
    let dataDir: string | undefined;

    beforeEach(async () => {
      if (!onDisk) return;
      dataDir = await mkdtemp(join(tmpdir(), 'oss-archive-'));
      await server.close();
      await start({ dataDir });
    });

    afterEach(async () => {
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    it('reads the whole appendable object, stores it as a Normal one, deletes it and starts again at 0', async () => {
      // Prepare
      const oss = client();
      const first = await oss.append('history/u.jsonl', Buffer.from('一\n'), { position: '0', mime: 'application/x-ndjson' });
      await oss.append('history/u.jsonl', Buffer.from('二\n'), { position: first.nextAppendPosition });

      // Act
      const whole = await oss.get('history/u.jsonl');
      await oss.put('archive/u-1.jsonl', whole.content, { headers: { 'x-oss-forbid-overwrite': 'true' } });
      await oss.delete('history/u.jsonl');
      const restarted = await oss.append('history/u.jsonl', Buffer.from('三\n'), { position: '0' });

      // Assess
      expect(whole.res.status).toBe(200);
      expect(headerOf(whole.res, 'x-oss-object-type')).toBe('Appendable');
      expect(headerOf(whole.res, 'x-oss-next-append-position')).toBe('8');
      const archived = await oss.head('archive/u-1.jsonl');
      expect(headerOf(archived.res, 'x-oss-object-type')).toBe('Normal');
      expect(headerOf(archived.res, 'etag')).toBe(`"${createHash('md5').update('一\n二\n').digest('hex').toUpperCase()}"`);
      expect((await oss.get('archive/u-1.jsonl')).content.toString()).toBe('一\n二\n');
      expect(restarted.nextAppendPosition).toBe('4');
      expect((await oss.get('history/u.jsonl')).content.toString()).toBe('三\n');
    });
  });

  describe('persistence', () => {
    let dataDir: string;

    beforeEach(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'oss-server-'));
      await server.close();
      await start({ dataDir });
    });

    afterEach(async () => {
      await rm(dataDir, { recursive: true, force: true });
    });

    it('keeps objects, their type and their length across a restart', async () => {
      // Prepare
      const longKey = `history/${'长'.repeat(120)}.jsonl`;
      await client().append('history/u1.jsonl', Buffer.from('第一行\n'), { position: '0' });
      await client().put('a', Buffer.from('file a'));
      await client().put('a/b', Buffer.from('file a/b'));
      await client().put('.oss-meta', Buffer.from('dots'));
      await client().put(longKey, Buffer.from('long'));

      // Act
      await server.close();
      await start({ dataDir });
      const head = await client().head('history/u1.jsonl');
      const next = await client().append('history/u1.jsonl', Buffer.from('second\n'), { position: '10' });

      // Assess
      expect(headerOf(head.res, 'x-oss-object-type')).toBe('Appendable');
      expect(next.nextAppendPosition).toBe('17');
      expect((await client().get('history/u1.jsonl')).content.toString()).toBe('第一行\nsecond\n');
      expect((await client().get('a')).content.toString()).toBe('file a');
      expect((await client().get('a/b')).content.toString()).toBe('file a/b');
      expect((await client().get('.oss-meta')).content.toString()).toBe('dots');
      expect((await client().get(longKey)).content.toString()).toBe('long');
      // Readable on disk, under <dataDir>/<bucket>/, by the percent-encoded key.
      expect(await readFile(join(dataDir, BUCKET, 'history%2Fu1.jsonl'), 'utf8')).toBe('第一行\nsecond\n');
    });

    it('forgets deleted objects across a restart', async () => {
      // Prepare
      await client().put('temp.json', Buffer.from('{}'));
      await client().delete('temp.json');

      // Act
      await server.close();
      await start({ dataDir });

      // Assess
      expect(await failureOf(client().get('temp.json'))).toEqual({ status: 404, code: 'NoSuchKey' });
    });
  });

  describe('addressing', () => {
    it('serves the same objects to virtual-hosted and path-style clients', async () => {
      // Prepare
      const virtualHosted = client();
      const internal = client({ internal: true });
      const pathStyle = client({ endpoint: `http://localhost:${server.port}`, sldEnable: true });
      await virtualHosted.put('shared/k.txt', Buffer.from('from virtual-hosted'));

      // Act
      const viaPath = await pathStyle.get('shared/k.txt');
      await pathStyle.put('shared/k.txt', Buffer.from('from path-style'));
      const viaInternal = await internal.get('shared/k.txt');

      // Assess
      expect(viaPath.content.toString()).toBe('from virtual-hosted');
      expect(viaInternal.content.toString()).toBe('from path-style');
      expect(server.requests.map((r) => [r.bucket, r.key, r.status])).toEqual(Array(4).fill([BUCKET, 'shared/k.txt', 200]));
    });

    it.each<[string, ClientOptions]>([
      ['virtual-hosted', {}],
      ['path-style', { sldEnable: true }],
    ])('answers an unknown bucket with 404 NoSuchBucket (%s)', async (_name, options) => {
      // Prepare
      const endpoint = options.sldEnable ? `http://localhost:${server.port}` : server.url;

      // Act
      const failure = await failureOf(client({ ...options, endpoint, bucket: 'other' }).get('k.txt'));

      // Assess
      expect(failure).toEqual({ status: 404, code: 'NoSuchBucket' });
    });
  });

  it.each<[string, string, number, string]>([
    ['a malformed key encoding', `/${BUCKET}/bad%E0%A4%A`, 400, 'InvalidURI'],
    ['an operation it does not implement', `/${BUCKET}/k.txt?acl`, 501, 'NotImplemented'],
  ])('answers %s with an error, not a guess', async (_name, path, status, code) => {
    // Prepare
    const resource = path.endsWith('?acl') ? `/${BUCKET}/k.txt?acl` : `/${BUCKET}/bad`;
    const headers = signedV1('GET', resource, STATIC.accessKeySecret);

    // Act
    const response = await rawRequest(server, 'GET', path, headers);

    // Assess
    expect(response.status).toBe(status);
    expect(response.body).toContain(`<Code>${code}</Code>`);
  });

  it('records every request and reports it to onRequest', async () => {
    // Prepare
    const seen: string[] = [];
    await server.close();
    await start({ onRequest: (record) => seen.push(`${record.operation} ${record.status} ${record.errorCode ?? ''}`.trim()) });

    // Act
    await client().put('r.txt', Buffer.from('r'));
    await failureOf(client().get('nope.txt'));
    await client().delete('r.txt');

    // Assess
    expect(seen).toEqual(['PutObject 200', 'GetObject 404 NoSuchKey', 'DeleteObject 204']);
    expect(server.requests.map((r) => r.method)).toEqual(['PUT', 'GET', 'DELETE']);
  });

  it('records the bytes of each response body: the range read, the error document, nothing for HEAD', async () => {
    // Prepare
    const oss = client();
    await oss.put('ten.txt', Buffer.from('0123456789'));
    const before = server.requests.length;

    // Act
    await oss.get('ten.txt', undefined, { headers: { Range: 'bytes=-4' } });
    await oss.head('ten.txt');
    const missing = await rawRequest(server, 'GET', `/${BUCKET}/nope.txt`);

    // Assess
    expect(server.requests.slice(before).map((r) => [r.operation, r.responseBytes])).toEqual([
      ['GetObject', 4],
      ['HeadObject', 0],
      ['GetObject', Buffer.byteLength(missing.body)],
    ]);
    expect(Buffer.byteLength(missing.body)).toBeGreaterThan(0);
  });
});
