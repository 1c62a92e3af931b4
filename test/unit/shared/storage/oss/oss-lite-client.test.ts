import type { IncomingHttpHeaders } from 'node:http';
import OSS from 'ali-oss';
import { startOssServer, type OssServer } from '../../../../../local/oss/oss-server';
import { useTestServers } from '../../../../helpers/test-servers';
import type { FcCredentials } from '../../../../../shared/fc/context';
import { createOssLiteClient, type OssLiteOptions } from '../../../../../shared/storage/oss/oss-lite-client';
import { ossV1Authorization, ossV1StringToSign } from '../../../../../shared/storage/oss/oss-v1-signer';

const STS: FcCredentials = { accessKeyId: 'STS.lite', accessKeySecret: 'lite-secret', securityToken: 'lite-token+/=' };
const BUCKET = 'sig-bucket';

interface Captured {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

const { listen } = useTestServers();

async function captureServer(): Promise<{ url: string; seen: Captured[] }> {
  const seen: Captured[] = [];
  const url = await listen((req, res) => {
    req.resume().on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      res.writeHead(200, { 'x-oss-next-append-position': '2', 'content-length': '2' }).end('x\n');
    });
  });
  return { url, seen };
}

const lite = (overrides: Partial<OssLiteOptions> & { endpoint: string }) =>
  createOssLiteClient({ bucket: BUCKET, region: 'cn-hangzhou', credentials: STS, timeoutMs: 2000, ...overrides });

describe('the callback\'s OSS client signs as ali-oss does', () => {
  it.each([
    ['an IP endpoint (bucket in the Host header)', (url: string) => ({ endpoint: url }), {}],
    ['a host name (path-style)', (url: string) => ({ endpoint: url.replace('127.0.0.1', 'localhost') }), { sldEnable: true }],
  ])('for AppendObject and GetObject on %s', async (_label, endpointOf, extra) => {
    // Prepare: what ali-oss itself puts on the wire
    const capture = await captureServer();
    const { endpoint } = endpointOf(capture.url);
    const sdk = new OSS({
      accessKeyId: STS.accessKeyId, accessKeySecret: STS.accessKeySecret, stsToken: STS.securityToken ?? '', bucket: BUCKET,
      region: 'oss-cn-hangzhou', endpoint, secure: false, refreshSTSTokenInterval: 3_600_000, ...extra,
    } as OSS.Options);
    await sdk.append('signatures/abc', Buffer.from('x\n'), { position: '0', mime: 'application/x-ndjson' });
    await sdk.get('signatures/abc');
    const [sdkAppend, sdkGet] = capture.seen.splice(0);
    const date = new Date(String(sdkAppend?.headers['x-oss-date']));

    // Act: ours, at the same instant
    const client = lite({ endpoint, now: () => date });
    await client.append('signatures/abc', Buffer.from('x\n'), 0, 'application/x-ndjson');
    await client.get('signatures/abc', 1024);
    const [ourAppend, ourGet] = capture.seen;

    // Assess
    expect(ourAppend?.headers['authorization']).toBe(sdkAppend?.headers['authorization']);
    expect(ourGet?.headers['authorization']).toBe(sdkGet?.headers['authorization']);
    for (const name of ['host', 'x-oss-security-token', 'content-md5', 'content-type']) {
      expect(ourAppend?.headers[name]).toBe(sdkAppend?.headers[name]);
    }
    expect(ourAppend?.url.replace('append=', 'append')).toBe(sdkAppend?.url.replace('append=', 'append'));
    expect(ourGet?.url).toBe(sdkGet?.url);
  });

  it('produces the V1 string to sign with sorted x-oss-* headers and sub-resources', () => {
    // Act
    const text = ossV1StringToSign({
      method: 'post',
      headers: { 'content-type': 'text/plain', 'x-oss-security-token': 't', 'x-oss-date': 'D', host: 'ignored' },
      date: 'D',
      bucket: 'b',
      key: 'k/1',
      subResources: { position: '7', append: '' },
    });

    // Assess
    expect(text).toBe('POST\n\ntext/plain\nD\nx-oss-date:D\nx-oss-security-token:t\n/b/k/1?append&position=7');
    expect(ossV1Authorization('ak', 'secret', text)).toMatch(/^OSS ak:[A-Za-z0-9+/]{27}=$/);
  });
});

describe('the callback\'s OSS client against the local OSS server', () => {
  let oss: OssServer;
  beforeEach(async () => {
    oss = await startOssServer({ buckets: [BUCKET], credentials: [STS] });
  });
  afterEach(() => oss.close());

  it('creates with an append at 0, reports a stale position with the length, appends at the length and reads back', async () => {
    // Prepare
    const client = lite({ endpoint: oss.url });

    // Act
    const created = await client.append('sig/a', Buffer.from('one\n'), 0, 'application/x-ndjson');
    const stale = await client.append('sig/a', Buffer.from('two\n'), 0, 'application/x-ndjson');
    const appended = await client.append('sig/a', Buffer.from('two\n'), 4, 'application/x-ndjson');
    const text = (await client.get('sig/a', 1024))?.toString();
    const missing = await client.get('sig/none', 1024);

    // Assess
    expect([created, stale, appended]).toEqual([
      { kind: 'appended', nextPosition: 4 },
      { kind: 'position-mismatch', nextPosition: 4 },
      { kind: 'appended', nextPosition: 8 },
    ]);
    expect(text).toBe('one\ntwo\n');
    expect(missing).toBeUndefined();
    expect(oss.requests.every((request) => request.status < 500 && request.errorCode !== 'SignatureDoesNotMatch')).toBe(true);
  });

  it.each([
    ['a wrong secret', { credentials: { ...STS, accessKeySecret: 'wrong' } }, /HTTP 403 SignatureDoesNotMatch/],
    ['a wrong security token', { credentials: { ...STS, securityToken: 'stale' } }, /HTTP 403 InvalidSecurityToken/],
    ['an unknown bucket', { bucket: 'other' }, /HTTP 404 NoSuchBucket/],
  ])('throws StorageError on %s, naming OSS\'s code', async (_label, overrides, reason) => {
    // Act
    const error = await lite({ endpoint: oss.url, ...overrides }).append('sig/a', Buffer.from('x'), 0, 'text/plain').catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ code: 'STORAGE_FAILED', message: expect.stringMatching(reason) });
    expect(String((error as Error).message)).not.toContain(STS.accessKeySecret);
  });

  it('refuses an object larger than asked for instead of holding it', async () => {
    // Prepare
    const client = lite({ endpoint: oss.url });
    await client.append('sig/big', Buffer.alloc(10_000, 0x61), 0, 'text/plain');

    // Act
    const error = await client.get('sig/big', 8 * 1024).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ code: 'STORAGE_FAILED', message: expect.stringContaining('larger than 8192 bytes') });
  });
});

describe('the callback\'s OSS client on an odd server', () => {
  it('does not follow a redirect and does not read an endless body', async () => {
    // Prepare
    let followed = false;
    const target = await listen((_req, res) => {
      followed = true;
      res.end();
    });
    const redirecting = await listen((_req, res) => res.writeHead(302, { location: `${target}/x` }).end());
    const endless = await listen((_req, res) => {
      res.writeHead(200, { 'x-oss-next-append-position': '1' });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = (): void => void (res.write(chunk) ? setImmediate(pump) : res.once('drain', pump));
      pump();
    });

    // Act
    const redirected = await lite({ endpoint: redirecting }).get('k', 1024).catch((e: unknown) => e);
    const flooded = await lite({ endpoint: endless }).get('k', 1024).catch((e: unknown) => e);

    // Assess
    expect(redirected).toMatchObject({ code: 'STORAGE_FAILED', message: 'OSS GetObject failed: HTTP 302' });
    expect(followed).toBe(false);
    expect(flooded).toMatchObject({ code: 'STORAGE_FAILED', message: expect.stringContaining('larger than 1024 bytes') });
  });

  it('gives up after timeoutMs when OSS does not answer', async () => {
    // Prepare
    const silent = await listen(() => undefined);

    // Act
    const error = await lite({ endpoint: silent, timeoutMs: 100 }).append('k', Buffer.from('x'), 0, 'text/plain').catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ code: 'STORAGE_FAILED', message: expect.stringContaining('OSS POST failed') });
  });
});
