import { createHmac } from 'node:crypto';
import { request, type IncomingHttpHeaders } from 'node:http';
import OSS from 'ali-oss';
import { startOssServer, type OssFaultRequest, type OssFaults, type OssServer } from '../../../../local/oss/oss-server';

const BUCKET = 'chat';
const CREDENTIAL = { accessKeyId: 'LTAIlocal', accessKeySecret: 'local-secret' };

async function failureOf(promise: Promise<unknown>): Promise<{ status: number; code: string }> {
  const error = (await promise.then(
    () => ({ status: 0, code: 'succeeded' }),
    (thrown: unknown) => thrown,
  )) as { status: number; code: string };
  return { status: error.status, code: error.code };
}

/** A V1-signed POST ?append, sent raw because ali-oss keeps a failure's response headers to itself. */
function rawAppend(server: OssServer, key: string, position: number, body: Buffer): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  const resource = `/${BUCKET}/${key}?append&position=${position}`;
  const date = new Date().toUTCString();
  const signature = createHmac('sha1', CREDENTIAL.accessKeySecret).update(`POST\n\n\n${date}\n${resource}`).digest('base64');
  const headers = { date, authorization: `OSS ${CREDENTIAL.accessKeyId}:${signature}` };
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${resource}`, { method: 'POST', headers }, (res) => {
      res.resume().on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('startOssServer faults', () => {
  let server: OssServer;
  let client: OSS;
  const seen: OssFaultRequest[] = [];

  async function start(faults: OssFaults): Promise<void> {
    server = await startOssServer({ buckets: [BUCKET], credentials: [CREDENTIAL], faults });
    client = new OSS({ ...CREDENTIAL, bucket: BUCKET, endpoint: server.url } as OSS.Options);
  }

  beforeEach(() => {
    seen.length = 0;
  });

  afterEach(async () => {
    await server.close();
  });

  it('shows the hook each authenticated request and answers its fault as an OSS error instead of running it', async () => {
    // Prepare: the second append fails as an overloaded OSS would
    let appends = 0;
    await start((call) => {
      seen.push(call);
      if (call.operation === 'AppendObject' && (appends += 1) === 2) return { status: 503, code: 'ServiceUnavailable' };
      return undefined;
    });
    await client.append('h.jsonl', Buffer.from('one\n'), { position: '0' });

    // Act
    const failure = await failureOf(client.append('h.jsonl', Buffer.from('two\n'), { position: '4' }));
    const content = (await client.get('h.jsonl')).content.toString();

    // Assess
    expect([failure.status, failure.code]).toEqual([503, 'ServiceUnavailable']);
    expect(content).toBe('one\n');
    expect(seen).toEqual([
      { method: 'POST', bucket: BUCKET, key: 'h.jsonl', operation: 'AppendObject', position: 0 },
      { method: 'POST', bucket: BUCKET, key: 'h.jsonl', operation: 'AppendObject', position: 4 },
      { method: 'GET', bucket: BUCKET, key: 'h.jsonl', operation: 'GetObject' },
    ]);
    expect(server.requests.map((r) => [r.operation, r.status, r.errorCode, r.injected])).toEqual([
      ['AppendObject', 200, undefined, undefined],
      ['AppendObject', 503, 'ServiceUnavailable', true],
      ['GetObject', 200, undefined, undefined],
    ]);
  });

  it('gives an injected PositionNotEqualToLength the real next append position, as OSS does', async () => {
    // Prepare
    await start((call) => (call.position === 4 ? { status: 409, code: 'PositionNotEqualToLength' } : undefined));
    await client.append('h.jsonl', Buffer.from('one\n'), { position: '0' });

    // Act
    const failure = await failureOf(client.append('h.jsonl', Buffer.from('two\n'), { position: '4' }));
    const raw = await rawAppend(server, 'h.jsonl', 4, Buffer.from('two\n'));

    // Assess
    expect([failure.status, failure.code]).toEqual([409, 'PositionNotEqualToLength']);
    expect([raw.status, raw.headers['x-oss-next-append-position']]).toEqual([409, '4']);
    expect(server.requests.at(-1)?.injected).toBe(true);
  });

  it('runs the operation before answering a fault marked afterOperation: a write whose answer was lost', async () => {
    // Prepare
    await start((call) => (call.operation === 'AppendObject' ? { status: 500, code: 'InternalError', afterOperation: true } : undefined));

    // Act
    const failure = await failureOf(client.append('h.jsonl', Buffer.from('one\n'), { position: '0' }));
    const head = await client.head('h.jsonl');

    // Assess
    expect([failure.status, failure.code]).toEqual([500, 'InternalError']);
    expect((head.res.headers as Record<string, string>)['x-oss-next-append-position']).toBe('4');
  });

  it('checks signatures before the hook: a forged request is refused, never faulted', async () => {
    // Prepare
    await start((call) => {
      seen.push(call);
      return { status: 500, code: 'InternalError' };
    });
    const forger = new OSS({ ...CREDENTIAL, accessKeySecret: 'guessed', bucket: BUCKET, endpoint: server.url } as OSS.Options);

    // Act
    const failure = await failureOf(forger.put('x.json', Buffer.from('{}')));

    // Assess
    expect([failure.status, failure.code]).toEqual([403, 'SignatureDoesNotMatch']);
    expect(seen).toEqual([]);
  });
});
