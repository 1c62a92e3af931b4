import { BotError, ERROR_CODES } from '../../../shared/errors';
import { errorToHttpResponse, isClientError } from '../../../shared/fc/http-response';
import { errorText } from '../../../shared/turn/user-messages';

describe('the error tables', () => {
  it('list every code once', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    expect(ERROR_CODES).toContain('UNEXPECTED');
  });

  it.each(ERROR_CODES)('map %s to a 4xx or 5xx JSON response', (code) => {
    const response = errorToHttpResponse(new BotError(code, 'details for the log'));

    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(600);
    expect(isClientError(new BotError(code, 'x'))).toBe(response.statusCode < 500);
    const body = JSON.parse(response.body) as { error: unknown; message: unknown };
    expect(typeof body.error).toBe('string');
    expect(typeof body.message).toBe('string');
    // Only a client mistake is told its own reason; anything else keeps its details in the log.
    if (response.statusCode >= 500) expect(body.message).not.toContain('details for the log');
  });

  it.each(ERROR_CODES)('give %s a Chinese text for the user', (code) => {
    const text = errorText(new BotError(code, 'details for the log'));

    expect(text.startsWith('⚠️ ')).toBe(true);
    expect(text.slice(3).trim()).not.toBe('');
    expect(text).toMatch(/[\u4e00-\u9fff]/);
    expect(text).not.toContain('details for the log');
    expect(text).not.toContain('undefined');
  });

  it('answer client mistakes with their status and reason, a dependency that is down with 503, the rest with 500', () => {
    const answered = Object.fromEntries(
      ERROR_CODES.map((code) => {
        const response = errorToHttpResponse(new BotError(code, 'why'));
        return [code, [response.statusCode, (JSON.parse(response.body) as { message: string }).message]];
      }),
    );
    const internal = [500, 'internal error'];
    expect(answered).toEqual({
      ...Object.fromEntries(ERROR_CODES.map((code) => [code, internal])),
      METHOD_NOT_ALLOWED: [405, 'why'],
      ROUTE_NOT_FOUND: [404, 'why'],
      ROBOT_UNKNOWN: [400, 'why'],
      PUSH_UNAUTHORIZED: [401, 'why'],
      PAYLOAD_TOO_LARGE: [413, 'why'],
      PAYLOAD_INVALID: [400, 'why'],
      SIGNATURE_INVALID: [401, 'why'],
      SIGNATURE_REUSED: [403, 'why'],
      UNSUPPORTED_MEDIA_TYPE: [415, 'why'],
      CALLBACK_IMPLAUSIBLE: [400, 'why'],
      WEBHOOK_HOST_REFUSED: [400, 'why'],
      INVOKE_FAILED: [503, 'worker unavailable'],
      STORAGE_FAILED: [503, 'storage unavailable'],
    });
    expect(errorToHttpResponse(new BotError('METHOD_NOT_ALLOWED', 'x')).headers['allow']).toBe('POST, GET');
  });

  it('treat an error that is no BotError as UNEXPECTED', () => {
    expect(errorToHttpResponse(new TypeError('boom'))).toMatchObject({ statusCode: 500 });
    expect(JSON.parse(errorToHttpResponse('boom').body)).toEqual({ error: 'INTERNAL', message: 'internal error' });
    expect(errorText(new TypeError('boom'))).toBe(errorText(new BotError('UNEXPECTED', 'boom')));
    expect(isClientError(new TypeError('boom'))).toBe(false);
  });
});
