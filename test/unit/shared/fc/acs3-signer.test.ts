import { formatAcsDate, signInvokeRequest } from '../../../../shared/fc/acs3-signer';
import { captureSdkRequest, header, splitUrl, AK, STS } from '../../../helpers/fc-sdk-capture';

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

describe('formatAcsDate', () => {
  it('writes UTC to the second, like the SDK', () => {
    // Act
    const formatted = formatAcsDate(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)));

    // Assess
    expect(formatted).toBe('2026-01-02T03:04:05Z');
  });
});
