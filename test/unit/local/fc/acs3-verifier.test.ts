import { type Acs3VerifyInput, verifyAcs3Request } from '../../../../local/fc/acs3-verifier';
import type { FcCredentials } from '../../../../shared/fc/context';
import { type Captured, captureSdkRequest, header, splitUrl, AK, STS } from '../../../helpers/fc-sdk-capture';

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
