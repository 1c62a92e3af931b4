import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import FcClient, { InvokeFunctionHeaders, InvokeFunctionRequest } from '@alicloud/fc20230330';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { RuntimeOptions } from '@darabonba/typescript';
import {
  formatAcsDate,
  signInvokeRequest,
  verifyAcs3Request,
  type Acs3VerifyInput,
} from '../../../../shared/fc/acs3-signer';
import type { FcCredentials } from '../../../../shared/fc/context';

interface Captured {
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const STS: FcCredentials = {
  accessKeyId: 'STS.NUx7test',
  accessKeySecret: 'sts-secret-value',
  securityToken: 'CAIS+token/=',
};
const AK: FcCredentials = { accessKeyId: 'LTAI5ttest', accessKeySecret: 'ak-secret-value' };

/** Runs the official SDK once against a capture server on 127.0.0.1 and returns what went over the wire. */
async function captureSdkRequest(
  credentials: FcCredentials,
  functionName: string,
  qualifier: string | undefined,
  body: Buffer,
): Promise<Captured> {
  const seen: Captured[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(202, { 'x-fc-request-id': 'captured' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const client = new FcClient(
      new $OpenApiUtil.Config({ ...credentials, endpoint: `127.0.0.1:${port}`, protocol: 'http' }),
    );
    const request = new InvokeFunctionRequest({ body: Readable.from([body]), ...(qualifier ? { qualifier } : {}) });
    await client.invokeFunctionWithOptions(
      functionName,
      request,
      new InvokeFunctionHeaders({ xFcInvocationType: 'Async' }),
      new RuntimeOptions({}),
    );
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  const captured = seen[0];
  if (!captured) throw new Error('the SDK sent nothing');
  return captured;
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  if (typeof value !== 'string') throw new Error(`missing header ${name}`);
  return value;
}

function splitUrl(url: string): { path: string; query: Record<string, string> } {
  const [path = '', rawQuery = ''] = url.split('?');
  return { path, query: Object.fromEntries(new URLSearchParams(rawQuery)) };
}

function verifyInput(captured: Captured, credentials: FcCredentials): Acs3VerifyInput {
  return {
    method: 'POST',
    ...splitUrl(captured.url),
    headers: captured.headers,
    body: captured.body,
    findCredentials: (id) => (id === credentials.accessKeyId ? credentials : undefined),
    now: new Date(Date.parse(header(captured.headers, 'x-acs-date'))),
  };
}

const cases = [
  { name: 'STS credentials, qualifier, unicode body', credentials: STS, functionName: 'dingtalk-worker', qualifier: 'LATEST', payload: '{"text":"你好 *(!)~"}' },
  { name: 'plain AccessKey, no qualifier', credentials: AK, functionName: 'worker_2', qualifier: undefined, payload: '{}' },
  { name: 'migrated 2.0 name, alias qualifier', credentials: STS, functionName: 'svc$fn', qualifier: 'prod', payload: '' },
  { name: 'qualifier needing RFC 3986 escapes', credentials: AK, functionName: 'fn', qualifier: "v 1*'(x)~!", payload: 'x' },
];

describe('signInvokeRequest', () => {
  it.each(cases)('produces the SDK headers and Authorization byte for byte ($name)', async (example) => {
    const { credentials, functionName, qualifier, payload } = example;
    // Prepare
    const body = Buffer.from(payload, 'utf8');
    const captured = await captureSdkRequest(credentials, functionName, qualifier, body);
    const { path, query } = splitUrl(captured.url);

    // Act
    const ours = signInvokeRequest({
      method: 'POST',
      host: header(captured.headers, 'host'),
      path,
      query,
      headers: { 'x-fc-invocation-type': 'Async' },
      body: captured.body,
      credentials,
      date: header(captured.headers, 'x-acs-date'),
      nonce: header(captured.headers, 'x-acs-signature-nonce'),
    });

    // Assess
    expect(captured.body.equals(body)).toBe(true);
    expect(ours['authorization']).toBe(header(captured.headers, 'authorization'));
    const sdkSigned = Object.keys(captured.headers).filter((name) => name.startsWith('x-acs-')).sort();
    expect(Object.keys(ours).filter((name) => name.startsWith('x-acs-')).sort()).toEqual(sdkSigned);
    for (const [name, value] of Object.entries(ours)) expect([name, captured.headers[name]]).toEqual([name, value]);
  });
});

describe('verifyAcs3Request', () => {
  let sts: Captured;
  let ak: Captured;

  beforeAll(async () => {
    sts = await captureSdkRequest(STS, 'dingtalk-worker', 'LATEST', Buffer.from('{"msgId":"m1"}'));
    ak = await captureSdkRequest(AK, 'dingtalk-worker', undefined, Buffer.from('{"msgId":"m2"}'));
  });

  it.each([
    ['STS', () => verifyInput(sts, STS), STS.accessKeyId],
    ['AccessKey', () => verifyInput(ak, AK), AK.accessKeyId],
  ])('accepts the SDK request signed with %s credentials', (_label, input, accessKeyId) => {
    // Act
    const verdict = verifyAcs3Request(input());

    // Assess
    expect(verdict).toEqual({ ok: true, accessKeyId });
  });

  it.each<[string, (input: Acs3VerifyInput) => Acs3VerifyInput, string]>([
    ['a tampered body', (i) => ({ ...i, body: Buffer.from('{"msgId":"m9"}') }), 'SignatureNotMatch'],
    ['a tampered signed header', (i) => ({ ...i, headers: { ...i.headers, 'x-acs-signature-nonce': 'other' } }), 'SignatureNotMatch'],
    ['a different host', (i) => ({ ...i, headers: { ...i.headers, host: 'evil.example:80' } }), 'SignatureNotMatch'],
    ['a different qualifier', (i) => ({ ...i, query: { qualifier: 'prod' } }), 'SignatureNotMatch'],
    ['a different path', (i) => ({ ...i, path: '/2023-03-30/functions/other/invocations' }), 'SignatureNotMatch'],
    ['the wrong secret', (i) => ({ ...i, findCredentials: () => ({ ...STS, accessKeySecret: 'wrong' }) }), 'SignatureNotMatch'],
    ['an unknown access key', (i) => ({ ...i, findCredentials: () => undefined }), 'InvalidAccessKeyID'],
    ['another security token', (i) => ({ ...i, findCredentials: () => ({ ...STS, securityToken: 'other-token' }) }), 'InvalidSecurityToken'],
    [
      'a token for a plain AccessKey',
      (i) => ({ ...i, findCredentials: () => ({ accessKeyId: STS.accessKeyId, accessKeySecret: STS.accessKeySecret }) }),
      'InvalidSecurityToken',
    ],
    ['no Authorization', (i) => ({ ...i, headers: { ...i.headers, authorization: undefined } }), 'MissingRequiredHeader'],
    ['a foreign scheme', (i) => ({ ...i, headers: { ...i.headers, authorization: 'FC key:sig' } }), 'SignatureNotMatch'],
    ['a date 16 minutes old', (i) => ({ ...i, now: new Date(i.now.getTime() + 16 * 60_000) }), 'RequestTimeTooSkewed'],
    ['a date 16 minutes ahead', (i) => ({ ...i, now: new Date(i.now.getTime() - 16 * 60_000) }), 'RequestTimeTooSkewed'],
  ])('rejects %s', (_label, tamper, code) => {
    // Prepare
    const input = tamper(verifyInput(sts, STS));

    // Act
    const verdict = verifyAcs3Request(input);

    // Assess
    expect(verdict).toMatchObject({ ok: false, code });
  });

  it('accepts a date 14 minutes off', () => {
    // Prepare
    const input = verifyInput(sts, STS);

    // Act
    const verdict = verifyAcs3Request({ ...input, now: new Date(input.now.getTime() + 14 * 60_000) });

    // Assess
    expect(verdict.ok).toBe(true);
  });
});

describe('formatAcsDate', () => {
  it('writes UTC to the second, like the SDK', () => {
    // Act
    const formatted = formatAcsDate(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)));

    // Assess
    expect(formatted).toBe('2026-01-02T03:04:05Z');
  });
});
