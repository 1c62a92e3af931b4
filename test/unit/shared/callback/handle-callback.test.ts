import { createCallbackHandler, type AsyncInvoker } from '../../../../shared/callback/handle-callback';
import { InvokeError } from '../../../../shared/errors';
import { createLogger } from '../../../../shared/logging/logger';
import {
  captureLog,
  createDingTalkMessage,
  createFcHttpEvent,
  fcContext,
  signedCallbackHeaders,
  TEST_APP_SECRET,
} from '../../../helpers/builders';

const NOW = 1_700_000_000_000;

function setup(invoke: AsyncInvoker['invokeAsync'] = async () => ({ requestId: 'async-1' })) {
  const payloads: string[] = [];
  const log = captureLog();
  const handler = createCallbackHandler({
    appSecret: TEST_APP_SECRET,
    maxBodyBytes: 4096,
    createInvoker: () => ({
      invokeAsync: async (payload) => {
        payloads.push(payload);
        return invoke(payload);
      },
    }),
    logger: createLogger({ service: 'test', write: log.write, secrets: [TEST_APP_SECRET] }),
    now: () => NOW,
    newDeliveryId: () => 'delivery-fixed-1',
  });
  return { handler, payloads, log };
}

const validBody = JSON.stringify(createDingTalkMessage({ text: { content: ' 你好' } }));

describe('callback handler', () => {
  it('hands a signed, well-formed callback to the worker and answers 200 {}', async () => {
    // Prepare
    const { handler, payloads } = setup();
    // Act
    const response = await handler(createFcHttpEvent({ body: validBody, headers: signedCallbackHeaders(NOW) }), fcContext);
    // Assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({});
    expect(payloads).toHaveLength(1);
    const payload = JSON.parse(payloads[0] as string);
    expect(payload).toMatchObject({ deliveryId: 'delivery-fixed-1', receivedAt: NOW, message: { msgId: 'msgTEST0001==' } });
  });

  it('accepts a base64 body and headers in any case', async () => {
    // Prepare
    const { handler, payloads } = setup();
    const headers = Object.fromEntries(Object.entries(signedCallbackHeaders(NOW)).map(([k, v]) => [k.toUpperCase(), v]));
    // Act
    const response = await handler(createFcHttpEvent({ body: validBody, headers, base64: true }), fcContext);
    // Assess
    expect(response.statusCode).toBe(200);
    expect(payloads).toHaveLength(1);
  });

  it.each([
    ['a wrong signature', 401, { ...signedCallbackHeaders(NOW, 'another-secret') }],
    ['no signature headers', 401, { 'content-type': 'application/json' }],
    ['a timestamp older than an hour', 401, signedCallbackHeaders(NOW - 3_600_001)],
    ['a timestamp an hour in the future', 401, signedCallbackHeaders(NOW + 3_600_001)],
  ])('refuses %s with %i and never starts the worker', async (_name, status, headers) => {
    // Prepare
    const { handler, payloads } = setup();
    // Act
    const response = await handler(createFcHttpEvent({ body: validBody, headers }), fcContext);
    // Assess
    expect(response.statusCode).toBe(status);
    expect(JSON.parse(response.body)).toMatchObject({ error: 'SIGNATURE_INVALID' });
    expect(payloads).toHaveLength(0);
  });

  it.each([
    ['malformed JSON', 400, '{"msgId": '],
    ['a missing msgId', 400, JSON.stringify({ ...createDingTalkMessage(), msgId: undefined })],
    ['a non-URL session webhook', 400, JSON.stringify(createDingTalkMessage({ sessionWebhook: 'not a url' }))],
    ['an oversized body', 413, JSON.stringify(createDingTalkMessage({ text: { content: '长'.repeat(3000) } }))],
  ])('refuses %s with %i and never starts the worker', async (_name, status, body) => {
    // Prepare
    const { handler, payloads } = setup();
    // Act
    const response = await handler(createFcHttpEvent({ body, headers: signedCallbackHeaders(NOW) }), fcContext);
    // Assess
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toContain('application/json');
    expect(payloads).toHaveLength(0);
  });

  it('answers other methods with 405 and a GET with a short health answer', async () => {
    // Prepare
    const { handler, payloads } = setup();
    // Act
    const put = await handler(createFcHttpEvent({ method: 'PUT', body: validBody, headers: signedCallbackHeaders(NOW) }), fcContext);
    const get = await handler(createFcHttpEvent({ method: 'GET' }), fcContext);
    // Assess
    expect(put.statusCode).toBe(405);
    expect(get.statusCode).toBe(200);
    expect(JSON.parse(get.body)).toEqual({ status: 'ok' });
    expect(payloads).toHaveLength(0);
  });

  it('answers 503 when the worker cannot be invoked, without leaking details', async () => {
    // Prepare
    const { handler, log } = setup(async () => {
      throw new InvokeError('InvokeFunction dingtalk-llm-worker failed: HTTP 500', 500);
    });
    // Act
    const response = await handler(createFcHttpEvent({ body: validBody, headers: signedCallbackHeaders(NOW) }), fcContext);
    // Assess
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body)).toEqual({ error: 'INVOKE_FAILED', message: 'worker unavailable' });
    expect(log.entries().some((entry) => entry['message'] === 'callback failed')).toBe(true);
  });

  it('never writes the app secret, the sign header or the session webhook to the log', async () => {
    // Prepare
    const { handler, log } = setup();
    const headers = signedCallbackHeaders(NOW);
    // Act
    await handler(createFcHttpEvent({ body: validBody, headers }), fcContext);
    await handler(createFcHttpEvent({ body: validBody, headers: signedCallbackHeaders(NOW, 'x'.repeat(20)) }), fcContext);
    // Assess
    const all = log.lines.join('\n');
    expect(all).toContain('callback accepted');
    expect(all).not.toContain(TEST_APP_SECRET);
    expect(all).not.toContain(headers['Sign'] as string);
    expect(all).not.toContain('SECRET_SESSION');
  });
});
