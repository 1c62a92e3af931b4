import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { ModelError } from '../../../../shared/errors';
import { describeError } from '../../../../shared/logging/logger';
import { toModelError } from '../../../../shared/model/to-model-error';

function httpError(status: number, body: unknown, headers: Record<string, string> = {}): APIError {
  // The SDK's own factory, so the tests see exactly what a failed HTTP call throws.
  return APIError.generate(status, body as object, undefined, new Headers(headers));
}

/** What undici throws: a TypeError whose cause is the socket error with its `code`. */
function fetchFailure(message: string, socketMessage: string, code: string): TypeError {
  return new TypeError(message, { cause: Object.assign(new Error(socketMessage), { code }) });
}

describe('toModelError', () => {
  it.each([
    [400, 'MODEL_REJECTED'],
    [401, 'MODEL_AUTH'],
    [402, 'MODEL_AUTH'],
    [403, 'MODEL_AUTH'],
    [408, 'MODEL_TIMEOUT'],
    [413, 'MODEL_REJECTED'],
    [422, 'MODEL_REJECTED'],
    [429, 'MODEL_RATE_LIMIT'],
    [500, 'MODEL_SERVER'],
    [502, 'MODEL_SERVER'],
    [503, 'MODEL_SERVER'],
  ])('maps HTTP %i to %s with the status and the provider message', (status, code) => {
    // Prepare
    const error = httpError(status, { error: { message: 'provider says no', type: 'x' } });

    // Act
    const mapped = toModelError(error);

    // Assess
    expect(mapped).toBeInstanceOf(ModelError);
    expect(mapped).toMatchObject({ code, status, message: `model HTTP ${status}: provider says no` });
  });

  it('names where a redirect points (without its query), since it is not followed', () => {
    // Prepare
    const location = 'https://api.example/v1/chat/completions?signature=secret';
    const error = httpError(301, undefined, { location });

    // Act
    const mapped = toModelError(error);

    // Assess
    expect(mapped).toMatchObject({ code: 'MODEL_SERVER', status: 301 });
    expect(mapped.message).toContain('redirects to https://api.example/v1/chat/completions, which is not followed');
    expect(mapped.message).toContain('OPENAI_BASE_URL');
    expect(mapped.message).not.toContain('signature');
  });

  it.each([
    ["OpenAI's code model_not_found", { error: { message: 'The model `gpt-9` does not exist', code: 'model_not_found' } }],
    ['vLLM naming the model', { error: { message: 'The model `qwen-9` does not exist.', type: 'NotFoundError', code: 404 } }],
    ['Ollama naming the model', { error: { message: "model 'llama9' not found, try pulling it first" } }],
  ])('maps a 404 about the model (%s) to MODEL_UNKNOWN, pointing at OPENAI_MODEL', (_name, body) => {
    // Act
    const mapped = toModelError(httpError(404, body), { endpoint: 'POST https://llm.example/v1/chat/completions' });

    // Assess
    expect(mapped).toMatchObject({ code: 'MODEL_UNKNOWN', status: 404 });
    expect(mapped.message).toContain('OPENAI_MODEL');
    expect(mapped.message).not.toContain('OPENAI_BASE_URL');
  });

  it.each([
    ['a JSON error about the URL', { error: { message: 'Invalid URL (POST /xyz/chat/completions)', code: null } }],
    ['no JSON body', undefined],
  ])('maps any other 404 (%s) to MODEL_ENDPOINT_NOT_FOUND, naming the path tried and OPENAI_BASE_URL', (_name, body) => {
    // Act
    const mapped = toModelError(httpError(404, body), { endpoint: 'POST https://llm.example/xyz/chat/completions' });

    // Assess
    expect(mapped).toMatchObject({ code: 'MODEL_ENDPOINT_NOT_FOUND', status: 404 });
    expect(mapped.message).toContain('POST https://llm.example/xyz/chat/completions');
    expect(mapped.message).toContain('check OPENAI_BASE_URL (usually a missing /v1)');
  });

  it.each([
    ['the SDK abort', new APIUserAbortError(), 'MODEL_TIMEOUT'],
    ['the SDK timeout', new APIConnectionTimeoutError(), 'MODEL_TIMEOUT'],
    ['a DOM AbortError', new DOMException('aborted', 'AbortError'), 'MODEL_TIMEOUT'],
    ['a DOM TimeoutError', new DOMException('timed out', 'TimeoutError'), 'MODEL_TIMEOUT'],
    [
      'connection refused',
      new APIConnectionError({ cause: fetchFailure('fetch failed', 'connect ECONNREFUSED 127.0.0.1:9', 'ECONNREFUSED') }),
      'MODEL_UNREACHABLE',
    ],
    ['DNS failure', fetchFailure('fetch failed', 'getaddrinfo ENOTFOUND llm.invalid', 'ENOTFOUND'), 'MODEL_UNREACHABLE'],
    ['a reset mid-stream', fetchFailure('terminated', 'other side closed', 'UND_ERR_SOCKET'), 'MODEL_UNREACHABLE'],
    ['an error event inside the stream', new APIError(undefined, { message: 'overloaded' }, undefined, undefined), 'MODEL_SERVER'],
    ['malformed JSON', new SyntaxError('Unexpected end of JSON input'), 'MODEL_SERVER'],
    ['a thrown string', 'boom', 'MODEL_SERVER'],
  ])('maps %s', (_name, error, code) => {
    // Act
    const mapped = toModelError(error);

    // Assess
    expect(mapped).toBeInstanceOf(ModelError);
    expect(mapped.code).toBe(code);
  });

  it('names the network reason of an unreachable endpoint', () => {
    // Prepare
    const error = new APIConnectionError({ cause: fetchFailure('fetch failed', 'getaddrinfo ENOTFOUND llm.invalid', 'ENOTFOUND') });

    // Act
    const mapped = toModelError(error);

    // Assess
    expect(mapped.message).toBe('model endpoint unreachable: getaddrinfo ENOTFOUND llm.invalid');
  });

  it('returns a ModelError unchanged', () => {
    // Prepare
    const error = new ModelError('MODEL_TIMEOUT', 'budget spent');

    // Act & Assess
    expect(toModelError(error)).toBe(error);
  });

  it('uses the raw body when the provider did not answer JSON, cut short', () => {
    // Prepare
    const error = APIError.generate(502, undefined, `<html>${'x'.repeat(1000)}</html>`, new Headers());

    // Act
    const mapped = toModelError(error);

    // Assess
    expect(mapped.code).toBe('MODEL_SERVER');
    expect(mapped.message.startsWith('model HTTP 502: <html>xxx')).toBe(true);
    expect(mapped.message.length).toBeLessThan(350);
  });

  it('adds the request id for support tickets', () => {
    // Prepare
    const error = httpError(500, { error: { message: 'oops' } }, { 'x-request-id': 'req-123' });

    // Act & Assess
    expect(toModelError(error).message).toBe('model HTTP 500: oops (request id req-123)');
  });

  it('blanks the keys and bearer tokens a provider echoes, and keeps them out of the cause', () => {
    // Prepare
    const key = 'sk-live-abcdefghijklmnop';
    const error = httpError(401, { error: { message: `key ${key} revoked; got Authorization: Bearer other-token-42` } });

    // Act
    const mapped = toModelError(error, { secrets: [key] });

    // Assess
    expect(mapped.message).toBe('model HTTP 401: key [REDACTED] revoked; got Authorization: Bearer [REDACTED]');
    const logged = JSON.stringify(describeError(mapped));
    expect(logged).not.toContain(key);
    expect(logged).not.toContain('other-token-42');
  });
});
