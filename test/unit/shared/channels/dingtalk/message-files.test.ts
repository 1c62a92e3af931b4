import { randomBytes } from 'node:crypto';
import axios from 'axios';
import { type AccessTokenProvider, createAccessTokenProvider } from '../../../../../shared/channels/dingtalk/access-token';
import { createDingTalkHttp, DINGTALK_ANSWER_MAX_BYTES, statusReason } from '../../../../../shared/channels/dingtalk/dingtalk-http';
import { createMessageFiles, type MessageFiles, sniffImageType } from '../../../../../shared/channels/dingtalk/message-files';
import { createByteAllowance } from '../../../../../shared/turn/turn-pictures';
import { DingTalkApiError, MediaError } from '../../../../../shared/errors';
import { type DingTalkStandIn, type StandInFailure, startDingTalkStandIn } from '../../../../../local/dingtalk/dingtalk-stand-in';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(64)]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(64)]);
const GIF = Buffer.concat([Buffer.from('GIF89a', 'latin1'), randomBytes(32)]);
const WEBP = Buffer.concat([Buffer.from('RIFF', 'latin1'), Buffer.alloc(4), Buffer.from('WEBPVP8 ', 'latin1')]);
const PDF = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj', 'latin1');
const MAX_BYTES = 1024;
const failure = (promise: Promise<unknown>): Promise<MediaError> =>
  promise.then(
    () => {
      throw new Error('expected the download to fail');
    },
    (error: unknown) => error as MediaError,
  );

describe('createMessageFiles', () => {
  const http = axios.create({ timeout: 5000 });
  let fake: DingTalkStandIn;
  let tokens: AccessTokenProvider;
  let files: MessageFiles;
  const count = (route: string): number => fake.requests.filter((request) => request.route === route).length;
  /** The secret part of the download URL the fake handed out, as the GET that followed it shows. */
  const downloadLink = (): string => {
    const path = fake.requests.find((request) => request.route === 'fileContent')?.path ?? '';
    return path.split('/').pop() ?? '';
  };

  beforeEach(async () => {
    fake = await startDingTalkStandIn();
    tokens = createAccessTokenProvider({ http, apiBase: fake.url, appKey: fake.appKey, appSecret: fake.appSecret });
    files = createMessageFiles({ http, apiBase: fake.url, tokens, appKey: fake.appKey, maxBytes: MAX_BYTES });
  });

  afterEach(() => fake.close());

  it.each([
    ['PNG', PNG, 'image/png'],
    ['JPEG', JPEG, 'image/jpeg'],
    ['GIF', GIF, 'image/gif'],
    ['WEBP', WEBP, 'image/webp'],
  ])('returns a %s picture as a data URL, whatever content-type the storage claims', async (_label, body, mimeType) => {
    // Prepare
    fake.addFile('code-1', { body, contentType: 'application/octet-stream' });

    // Act
    const image = await files.downloadImage({ downloadCode: 'code-1' });

    // Assess
    expect(image).toEqual({ dataUrl: `data:${mimeType};base64,${body.toString('base64')}`, bytes: body.length, mimeType });
    const download = fake.requests.find((request) => request.route === 'fileDownload');
    expect(download?.body).toEqual({ downloadCode: 'code-1', robotCode: fake.appKey });
    expect(download?.headers['x-acs-dingtalk-access-token']).toEqual(expect.any(String));
    const get = fake.requests.find((request) => request.route === 'fileContent');
    expect(get?.headers).not.toHaveProperty('x-acs-dingtalk-access-token');
  });

  it("passes the callback's robotCode and refreshes an expired token", async () => {
    // Prepare
    fake.addFile('code-1', { body: JPEG });
    await tokens.get();
    fake.expireTokens();

    // Act
    const image = await files.downloadImage({ downloadCode: 'code-1', robotCode: fake.appKey });

    // Assess
    expect(image.mimeType).toBe('image/jpeg');
    expect(count('token')).toBe(2);
    expect(count('fileDownload')).toBe(2);
  });

  it.each([
    ['declares its size', false],
    ['is sent chunked, without a declared size', true],
  ])('refuses a picture over maxBytes that %s', async (_label, chunked) => {
    // Prepare
    fake.addFile('big', { body: Buffer.concat([PNG, Buffer.alloc(MAX_BYTES)]), chunked });

    // Act
    const error = await failure(files.downloadImage({ downloadCode: 'big' }));

    // Assess
    expect(error).toBeInstanceOf(MediaError);
    expect(error.code).toBe('MEDIA_TOO_LARGE');
    expect(error.message).not.toContain(downloadLink());
  });

  it('accepts a picture of exactly maxBytes', async () => {
    // Prepare
    const body = Buffer.concat([PNG, Buffer.alloc(MAX_BYTES - PNG.length)]);
    fake.addFile('edge', { body, chunked: true });

    // Act
    const image = await files.downloadImage({ downloadCode: 'edge' });

    // Assess
    expect(image.bytes).toBe(MAX_BYTES);
  });

  it.each([
    ['a PDF', PDF],
    ['an empty file', Buffer.alloc(0)],
  ])('refuses %s as unsupported, even when labelled as an image', async (_label, body) => {
    // Prepare
    fake.addFile('doc', { body, contentType: 'image/png' });

    // Act
    const error = await failure(files.downloadImage({ downloadCode: 'doc' }));

    // Assess
    expect(error).toMatchObject({ name: 'MediaError', code: 'MEDIA_UNSUPPORTED' });
  });

  it('reports an unknown downloadCode as a failed download, with DingTalk status as the cause', async () => {
    // Act
    const error = await failure(files.downloadImage({ downloadCode: 'no-such-code' }));

    // Assess
    expect(error.code).toBe('MEDIA_DOWNLOAD_FAILED');
    expect(error.cause).toBeInstanceOf(DingTalkApiError);
    expect(error.cause).toMatchObject({ status: 400, apiCode: 'invalidParameter.downloadCode' });
    expect(count('fileContent')).toBe(0);
  });

  it('reports a robotCode DingTalk does not know as a failed download', async () => {
    // Prepare
    fake.addFile('code-1', { body: PNG });

    // Act
    const error = await failure(files.downloadImage({ downloadCode: 'code-1', robotCode: 'someone-else' }));

    // Assess
    expect(error.code).toBe('MEDIA_DOWNLOAD_FAILED');
    expect(error.cause).toMatchObject({ status: 400, apiCode: 'invalidParameter.robotCode.notExsit' });
  });

  it.each<[string, StandInFailure]>([
    ['an expired link (403)', { status: 403, body: { code: 'AccessDenied' } }],
    ['a dropped connection', 'hangup'],
  ])('never puts the download URL in the error on %s', async (_label, answer) => {
    // Prepare
    fake.addFile('code-1', { body: PNG });
    fake.failNext('fileContent', 1, answer);
    const token = await tokens.get();

    // Act
    const error = await failure(files.downloadImage({ downloadCode: 'code-1' }));

    // Assess
    expect(error.code).toBe('MEDIA_DOWNLOAD_FAILED');
    const link = downloadLink();
    expect(link).toMatch(/^[0-9a-f]{32}$/);
    for (const text of [error.message, String(error.stack), JSON.stringify(error)]) {
      expect(text).not.toContain(link);
      expect(text).not.toContain(token);
    }
    expect(error.cause).toBeUndefined();
  });

  it('reports a download API that answers without a downloadUrl as a failed download', async () => {
    // Prepare
    fake.failNext('fileDownload', 1, { status: 200, body: {} });

    // Act
    const error = await failure(files.downloadImage({ downloadCode: 'code-1' }));

    // Assess
    expect(error).toMatchObject({ code: 'MEDIA_DOWNLOAD_FAILED', message: expect.stringContaining('no downloadUrl') });
  });
});

describe('createMessageFiles on the worker\'s DingTalk HTTP client', () => {
  const http = createDingTalkHttp({ timeoutMs: 5000 });
  const MB = 1024 * 1024;
  const picture = (bytes: number): Buffer => Buffer.concat([PNG, Buffer.alloc(bytes - PNG.length)]);
  let fake: DingTalkStandIn;
  let elsewhere: DingTalkStandIn;
  let files: MessageFiles;

  beforeEach(async () => {
    [fake, elsewhere] = await Promise.all([startDingTalkStandIn(), startDingTalkStandIn()]);
    const tokens = createAccessTokenProvider({ http, apiBase: fake.url, appKey: fake.appKey, appSecret: fake.appSecret });
    files = createMessageFiles({ http, apiBase: fake.url, tokens, appKey: fake.appKey, maxBytes: 2 * MB });
  });
  afterEach(() => Promise.all([fake.close(), elsewhere.close()]));

  it('reads a picture far larger than the limit for DingTalk answers, up to its own limit', async () => {
    // Prepare
    fake.addFile('code-1', { body: picture(2 * MB), chunked: true });

    // Act
    const image = await files.downloadImage({ downloadCode: 'code-1' });

    // Assess
    expect(image.bytes).toBeGreaterThan(DINGTALK_ANSWER_MAX_BYTES);
    expect(image.bytes).toBe(2 * MB);
  });

  it.each([
    ['with its length declared', {}],
    ['gzip-encoded (the declared length is the compressed one)', { gzip: true }],
    ['chunked, without a declared length', { chunked: true }],
  ])('gives back exactly the bytes of a picture sent %s', async (_label, how) => {
    // Prepare
    const body = Buffer.concat([PNG, Buffer.alloc(600, 7), randomBytes(200)]);
    fake.addFile('code-1', { body, ...how });

    // Act
    const image = await files.downloadImage({ downloadCode: 'code-1' });

    // Assess
    expect(image).toEqual({ dataUrl: `data:image/png;base64,${body.toString('base64')}`, bytes: body.length, mimeType: 'image/png' });
  });

  it('counts a gzip-encoded picture by its inflated bytes', async () => {
    // Prepare
    fake.addFile('code-1', { body: PNG });
    fake.failNext('fileContent', 1, { status: 200, oversized: { bytes: 64 * MB, gzip: true } });

    // Act
    const error = await failure(files.downloadImage({ downloadCode: 'code-1' }));

    // Assess
    expect(error.code).toBe('MEDIA_TOO_LARGE');
  });

  it('does not follow a redirect from the storage URL', async () => {
    // Prepare
    fake.addFile('code-1', { body: PNG });
    fake.failNext('fileContent', 1, { status: 302, headers: { location: `${elsewhere.url}/files/other` } });

    // Act
    const error = await failure(files.downloadImage({ downloadCode: 'code-1' }));

    // Assess
    expect(error).toMatchObject({ code: 'MEDIA_DOWNLOAD_FAILED', message: `picture download failed: ${statusReason(302)}` });
    expect(elsewhere.requests).toEqual([]);
  });

  it('takes every byte from a shared allowance, and gives back those of a picture that did not fit', async () => {
    // Prepare
    const allowance = createByteAllowance(3 * MB);
    fake.addFile('first', { body: picture(2 * MB) });
    fake.addFile('second', { body: picture(2 * MB), chunked: true });
    fake.addFile('small', { body: picture(MB) });

    // Act
    const first = await files.downloadImage({ downloadCode: 'first', allowance });
    const second = await failure(files.downloadImage({ downloadCode: 'second', allowance }));
    const afterSecond = allowance.used();
    const small = await files.downloadImage({ downloadCode: 'small', allowance });

    // Assess
    expect(first.bytes).toBe(2 * MB);
    expect(second.code).toBe('MEDIA_TOTAL_TOO_LARGE');
    expect(afterSecond).toBe(2 * MB);
    expect(small.bytes).toBe(MB);
    expect(allowance.used()).toBe(3 * MB);
  });
});

describe('sniffImageType', () => {
  it.each([
    ['a truncated PNG signature', PNG.subarray(0, 4)],
    ['two JPEG bytes', JPEG.subarray(0, 2)],
    ['a RIFF that is not WEBP', Buffer.from('RIFF\0\0\0\0WAVEfmt ', 'latin1')],
  ])('does not take %s for an image', (_label, bytes) => {
    // Assess
    expect(sniffImageType(bytes)).toBeUndefined();
  });
});
