import { buildTextCallback, signedHeaders } from '../../local/dingtalk-callback';
import { STAND_IN_APP_KEY, STAND_IN_APP_SECRET } from '../../local/dingtalk/dingtalk-stand-in';
import { startE2eStack, type E2eStack } from './e2e-stack';

describe('end to end: callbacks that must be refused', () => {
  let e2e: E2eStack;
  beforeAll(async () => {
    e2e = await startE2eStack();
  });
  afterAll(async () => e2e.close());

  it.each([
    ['a bad signature', 401, () => signedHeaders('not-the-app-secret')],
    ['a stale timestamp', 401, () => signedHeaders(STAND_IN_APP_SECRET, Date.now() - 2 * 3_600_000)],
    ['no signature', 401, () => ({ 'content-type': 'application/json' })],
  ])('refuses %s with %i and starts no work', async (_name, status, headers) => {
    // Act
    const response = await e2e.send({ text: '你好' }, headers());
    await e2e.drain();
    // Assess
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error: 'SIGNATURE_INVALID' });
    expect(e2e.workerResults).toHaveLength(0);
    expect(e2e.openai.requests).toHaveLength(0);
    expect(e2e.dingtalk.messages).toHaveLength(0);
  });

  it.each([
    ['malformed JSON', 400, '{"msgId": "m1", '],
    ['a body without the required fields', 400, JSON.stringify({ msgId: 'm1', msgtype: 'text' })],
    ['an oversized body', 413, JSON.stringify({ msgId: 'm1', text: { content: 'x'.repeat(200_000) } })],
  ])('refuses %s with %i and starts no work', async (_name, status, body) => {
    // Act
    const response = await e2e.post(body);
    await e2e.drain();
    // Assess
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(e2e.workerResults).toHaveLength(0);
    expect(e2e.dingtalk.messages).toHaveLength(0);
  });

  const valid = (overrides: Record<string, unknown> = {}) =>
    JSON.stringify({ ...buildTextCallback({ text: '你好', sessionWebhook: e2e.dingtalk.webhookUrl('refused'), robotCode: STAND_IN_APP_KEY }), ...overrides });
  it.each([
    ['JSON nested 5000 levels deep', 400, 'PAYLOAD_INVALID', () => `${'['.repeat(5000)}${']'.repeat(5000)}`],
    ['a lone surrogate in msgId', 400, 'PAYLOAD_INVALID', () => valid().replace(/"msgId":"[^"]+"/, '"msgId":"msg\\udc00"')],
    ['createAt 1e300', 400, 'PAYLOAD_INVALID', () => valid().replace(/"createAt":\d+/, '"createAt":1e300')],
    ['a negative createAt', 400, 'PAYLOAD_INVALID', () => valid({ createAt: -5 })],
    ['a fractional expiry', 400, 'PAYLOAD_INVALID', () => valid({ sessionWebhookExpiredTime: Date.now() + 0.25 })],
  ])('refuses %s with %i %s, never a 5xx, and starts no work', async (_name, status, error, text) => {
    // Act
    const response = await e2e.post(text());
    await e2e.drain();
    // Assess
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error, message: expect.any(String) });
    expect(e2e.workerResults).toHaveLength(0);
    expect(e2e.dingtalk.messages).toHaveLength(0);
  });

  it('refuses a body that is not valid UTF-8 with 400', async () => {
    // Prepare
    const bytes = Buffer.concat([Buffer.from(valid().slice(0, -3)), Buffer.from([0xe4, 0xbd]), Buffer.from('"}}')]);
    // Act
    const response = await fetch(`${e2e.stack.url}/`, { method: 'POST', headers: signedHeaders(STAND_IN_APP_SECRET), body: bytes });
    await e2e.drain();
    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'PAYLOAD_INVALID', message: 'invalid payload: body: invalid UTF-8' });
    expect(e2e.workerResults).toHaveLength(0);
  });

  it.each([['text/plain'], ['application/octet-stream'], ['application/json; charset=gb2312']])(
    'refuses a declared Content-Type of %s with 415',
    async (contentType) => {
      // Act
      const response = await e2e.post(valid(), { ...signedHeaders(STAND_IN_APP_SECRET), 'content-type': contentType });
      await e2e.drain();
      // Assess
      expect(response.status).toBe(415);
      expect(await response.json()).toEqual({ error: 'UNSUPPORTED_MEDIA_TYPE', message: 'content-type must be application/json' });
      expect(e2e.workerResults).toHaveLength(0);
    },
  );

  it('answers a GET with a short health text and other methods with 405', async () => {
    // Act
    const health = await e2e.post('', {}, 'GET');
    const put = await e2e.post('{}', signedHeaders(STAND_IN_APP_SECRET), 'PUT');
    // Assess
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(put.status).toBe(405);
  });
});
