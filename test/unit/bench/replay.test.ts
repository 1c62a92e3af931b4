import { authenticate } from '../../../local/oss/oss-auth';
import { parseTarget } from '../../../local/oss/oss-request';
import { prepareReplay, retargetOss } from '../../../bench/replay';
import type { LoggedRequest } from '../../../bench/stand-ins/protocol';
import { ossV1Authorization, ossV1StringToSign } from '../../../shared/storage/oss/oss-v1-signer';

const credential = { accessKeyId: 'STS.bench', accessKeySecret: 'bench-sts-secret', securityToken: 'bench-sts-token' };
const twin = { from: 'history', to: 'history-twin', credential };
const KEY = 'dingtalk-llm/history/ab/cd.jsonl';

/** An append as the worker's client sends it, signed for bucket `history`, virtual-hosted or path style. */
function append(style: 'virtual-hosted' | 'path'): LoggedRequest {
  const headers: Record<string, string> = {
    host: style === 'path' ? '127.0.0.1:4569' : 'history.oss-cn-hangzhou.aliyuncs.com',
    'content-type': 'application/x-ndjson',
    'x-oss-date': 'Tue, 01 Dec 2026 10:00:00 GMT',
    'x-oss-security-token': credential.securityToken,
    'content-length': '3',
  };
  const stringToSign = ossV1StringToSign({ method: 'POST', headers, date: headers['x-oss-date'] ?? '', bucket: 'history', key: KEY, subResources: { append: '', position: '215' } });
  headers['authorization'] = ossV1Authorization(credential.accessKeyId, credential.accessKeySecret, stringToSign);
  const path = `${style === 'path' ? '/history' : ''}/${KEY}?append=&position=215`;
  return { server: 'oss', method: 'POST', path, headers, body: Buffer.from('ab\n').toString('base64'), status: 200 };
}

/** What the OSS stand-in says of a request: undefined when it accepts the signature. */
function verdict(entry: LoggedRequest) {
  const host = entry.headers['host'] as string;
  const target = parseTarget(entry.path, host, ['history', 'history-twin']);
  return { target, refused: authenticate({ method: entry.method, headers: entry.headers, bucket: target.bucket, key: target.key, query: target.query }, [credential]) };
}

describe.each(['virtual-hosted', 'path'] as const)('replaying an OSS request (%s) into the twin bucket', (style) => {
  it('addresses the twin with a signature the OSS stand-in accepts', () => {
    // Prepare
    const original = append(style);
    // Act
    const replayed = verdict(retargetOss(original, twin));
    // Assess
    expect(verdict(original).refused).toBeUndefined();
    expect(replayed.target).toMatchObject({ bucket: 'history-twin', key: KEY, style });
    expect(replayed.refused).toBeUndefined();
  });

  it('keeps method, query, body and every other header as they were', () => {
    // Prepare
    const original = append(style);
    // Act
    const replayed = retargetOss(original, twin);
    // Assess
    expect(replayed.path.endsWith(`/${KEY}?append=&position=215`)).toBe(true);
    expect(replayed.body).toBe(original.body);
    const { authorization: _a, host: _h, ...rest } = replayed.headers;
    const { authorization: _b, host: _i, ...before } = original.headers;
    expect(rest).toEqual(before);
  });
});

describe('replay preparation', () => {
  it('would be refused by the stand-in if it kept the original signature for the twin', () => {
    // Prepare: the twin's address with the signature made for the original bucket
    const moved = { ...append('virtual-hosted'), headers: { ...append('virtual-hosted').headers, host: 'history-twin.oss-cn-hangzhou.aliyuncs.com' } };
    // Assess
    expect(verdict(moved).refused?.error?.code).toBe('SignatureDoesNotMatch');
  });

  it('refuses what it cannot re-sign or address rather than sending it unchanged', () => {
    // Prepare
    const v4 = { ...append('virtual-hosted'), headers: { ...append('virtual-hosted').headers, authorization: 'OSS4-HMAC-SHA256 Credential=x' } };
    const other = { ...append('path'), path: `/elsewhere/${KEY}` };
    // Assess
    expect(() => retargetOss(v4, twin)).toThrow(/only OSS V1/);
    expect(() => retargetOss(other, twin)).toThrow(/not for bucket history/);
  });

  it('sends other requests to their stand-in as they came, with the agent managing the connection', () => {
    // Prepare
    const webhook: LoggedRequest = {
      server: 'dingtalk',
      method: 'POST',
      path: '/robot/sendBySession?session=s1',
      headers: { host: '127.0.0.1:5000', connection: 'keep-alive', 'transfer-encoding': 'chunked', 'content-type': 'application/json' },
      body: Buffer.from('{"msgtype":"text"}').toString('base64'),
      status: 200,
    };
    const urls = { oss: 'http://127.0.0.1:1', openai: 'http://127.0.0.1:2/v1', dingtalk: 'http://127.0.0.1:5000', fc: 'http://127.0.0.1:3' };
    // Act
    const [prepared] = prepareReplay([webhook], urls, twin);
    // Assess
    expect(prepared?.url.href).toBe('http://127.0.0.1:5000/robot/sendBySession?session=s1');
    expect(prepared?.headers).toEqual({ host: '127.0.0.1:5000', 'content-type': 'application/json', 'content-length': '18' });
    expect(prepared?.body.toString()).toBe('{"msgtype":"text"}');
  });
});
