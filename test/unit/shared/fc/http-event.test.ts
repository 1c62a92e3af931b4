import { PayloadParseError, PayloadTooLargeError } from '../../../../shared/errors';
import { toHttpRequest } from '../../../../shared/fc/http-event';
import { createFcHttpEvent } from '../../../helpers/builders';

describe('toHttpRequest', () => {
  it('decodes a base64 body and lower-cases header names', () => {
    // Act
    const request = toHttpRequest(createFcHttpEvent({ body: '{"a":"你好"}', base64: true, headers: { Sign: 's', TimeStamp: '1' } }), 1024);
    // Assess
    expect(request.body.toString('utf8')).toBe('{"a":"你好"}');
    expect(request.headers).toEqual({ sign: 's', timestamp: '1' });
    expect(request.method).toBe('POST');
  });

  it('refuses a body above the limit, counted in bytes after decoding', () => {
    // Act / Assess: 400 Chinese characters are 1,200 UTF-8 bytes
    expect(() => toHttpRequest(createFcHttpEvent({ body: '长'.repeat(400) }), 1024)).toThrow(PayloadTooLargeError);
    expect(() => toHttpRequest(createFcHttpEvent({ body: '长'.repeat(400), base64: true }), 1024)).toThrow(PayloadTooLargeError);
    expect(toHttpRequest(createFcHttpEvent({ body: '长'.repeat(300) }), 1024).body.length).toBe(900);
  });

  it('refuses an event that is not FC\'s HTTP shape', () => {
    // Act / Assess
    expect(() => toHttpRequest(Buffer.from('not json'), 1024)).toThrow(PayloadParseError);
    expect(() => toHttpRequest(Buffer.from('{"body":"x"}'), 1024)).toThrow(/requestContext/);
  });
});
