import { signedHeaders } from '../../local/dingtalk-callback';
import { FAKE_APP_SECRET } from '../helpers/fake-dingtalk';
import { startE2eStack, type E2eStack } from './e2e-stack';

describe('end to end: callbacks that must be refused', () => {
  let e2e: E2eStack;
  beforeAll(async () => {
    e2e = await startE2eStack();
  });
  afterAll(async () => e2e.close());

  it.each([
    ['a bad signature', 401, () => signedHeaders('not-the-app-secret')],
    ['a stale timestamp', 401, () => signedHeaders(FAKE_APP_SECRET, Date.now() - 2 * 3_600_000)],
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

  it('answers a GET with a short health text and other methods with 405', async () => {
    // Act
    const health = await e2e.post('', {}, 'GET');
    const put = await e2e.post('{}', signedHeaders(FAKE_APP_SECRET), 'PUT');
    // Assess
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(put.status).toBe(405);
  });
});
