import { createCallbackRouter } from '../../../../../shared/callback/router';
import { createDingTalkRoute, workerTaskId, type AsyncInvoker } from '../../../../../shared/channels/dingtalk/handle-callback';
import { createSignaturePairGuard } from '../../../../../shared/callback/signature-pairs';
import { parseWebhookHosts } from '../../../../../shared/channels/dingtalk/webhook-hosts';
import { InvokeError } from '../../../../../shared/errors';
import type { InvokeOptions } from '../../../../../shared/fc/fc-invoker';
import { createLogger } from '../../../../../shared/logging/logger';
import { createOssLiteClient } from '../../../../../shared/storage/oss/oss-lite-client';
import { startOssServer, type OssServer } from '../../../../../local/oss/oss-server';
import {
  captureLog,
  createDingTalkMessage,
  createFcHttpEvent,
  fcContext,
  signedCallbackHeaders,
  TEST_APP_SECRET,
} from '../../../../helpers/builders';

const NOW = 1_700_000_000_000;
const APP_KEY = 'dingrobot';
const BUCKET = 'callback-signatures';

let oss: OssServer;
beforeEach(async () => {
  oss = await startOssServer({ buckets: [BUCKET], credentials: [fcContext.credentials] });
});
afterEach(() => oss.close());

function setup(invoke: AsyncInvoker['invokeAsync'] = async () => ({ requestId: 'async-1', duplicate: false, attempts: 1 }), ossUrl?: string) {
  const payloads: string[] = [];
  const invocations: InvokeOptions[] = [];
  const clock = { now: NOW };
  const log = captureLog();
  const logger = createLogger({ service: 'test', write: log.write, secrets: [TEST_APP_SECRET] });
  const route = createDingTalkRoute({
    appKey: APP_KEY,
    appSecret: TEST_APP_SECRET,
    webhookHosts: parseWebhookHosts(['oapi.dingtalk.com']),
    createInvoker: () => ({
      invokeAsync: async (payload, options) => {
        payloads.push(payload);
        invocations.push(options);
        return invoke(payload, options);
      },
    }),
    createPairGuard: (context) =>
      createSignaturePairGuard({
        oss: createOssLiteClient({ bucket: BUCKET, region: 'cn-hangzhou', endpoint: ossUrl ?? oss.url, credentials: context.credentials, timeoutMs: 2000 }),
        prefix: 'signatures/',
        now: () => clock.now,
      }),
    logger,
    now: () => clock.now,
    newDeliveryId: () => 'delivery-fixed-1',
  });
  // The DingTalk route as the callback function serves it: behind the router, at the trigger's root path.
  const handler = createCallbackRouter({ routes: [route], maxBodyBytes: 4096, logger });
  return { handler, payloads, invocations, log, clock };
}

const message = (overrides: Record<string, unknown> = {}) => ({ ...createDingTalkMessage({ text: { content: ' 你好' } }), ...overrides });
const body = (overrides: Record<string, unknown> = {}) => JSON.stringify(message(overrides));
const validBody = body();
const post = (text: string, headers = signedCallbackHeaders(NOW)) => createFcHttpEvent({ body: text, headers });
const statusOf = async (response: Promise<{ statusCode: number; body: string }>) => {
  const { statusCode, body: text } = await response;
  return { status: statusCode, error: (JSON.parse(text) as { error?: string }).error };
};

describe('callback handler', () => {
  it('hands a signed, well-formed callback to the worker under a task id derived from the message, and answers 200 {}', async () => {
    // Prepare
    const { handler, payloads, invocations } = setup();
    // Act
    const response = await handler(post(validBody), fcContext);
    // Assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({});
    expect(payloads).toHaveLength(1);
    const payload = JSON.parse(payloads[0] as string);
    expect(payload).toMatchObject({ deliveryId: 'delivery-fixed-1', receivedAt: NOW, message: { msgId: 'msgTEST0001==' } });
    expect(invocations[0]?.taskId).toBe(workerTaskId(APP_KEY, 'msgTEST0001=='));
    expect(invocations[0]?.taskId).toMatch(/^dt_[A-Za-z0-9_-]{43}$/);
    // One OSS request for an ordinary turn: the record of its signature.
    expect(oss.requests.map((request) => `${request.operation} ${request.status}`)).toEqual(['AppendObject 200']);
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
    const response = await handler(post(validBody, headers), fcContext);
    // Assess
    expect(response.statusCode).toBe(status);
    expect(JSON.parse(response.body)).toMatchObject({ error: 'SIGNATURE_INVALID' });
    expect(payloads).toHaveLength(0);
    expect(oss.requests).toHaveLength(0);
  });

  const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
  it.each([
    ['malformed JSON', 400, 'PAYLOAD_INVALID', '{"msgId": '],
    ['a missing msgId', 400, 'PAYLOAD_INVALID', body({ msgId: undefined })],
    ['a non-URL session webhook', 400, 'PAYLOAD_INVALID', body({ sessionWebhook: 'not a url' })],
    ['an oversized body', 413, 'PAYLOAD_TOO_LARGE', body({ text: { content: '长'.repeat(3000) } })],
    ['JSON nested 65 levels deep', 400, 'PAYLOAD_INVALID', body({ content: JSON.parse(deep(64)) })],
    ['JSON nested 2000 levels deep', 400, 'PAYLOAD_INVALID', deep(2000)],
    ['a lone surrogate in msgId', 400, 'PAYLOAD_INVALID', validBody.replace('"msgTEST0001=="', '"msg\\ud800"')],
    ['a lone surrogate in a key', 400, 'PAYLOAD_INVALID', validBody.replace('"senderNick"', '"sender\\udc00Nick"')],
    ['createAt 1e300', 400, 'PAYLOAD_INVALID', validBody.replace('"createAt":1700000000000', '"createAt":1e300')],
    ['a negative createAt', 400, 'PAYLOAD_INVALID', body({ createAt: -1 })],
    ['a fractional createAt', 400, 'PAYLOAD_INVALID', body({ createAt: NOW + 0.5 })],
    ['a createAt of 17 digits', 400, 'PAYLOAD_INVALID', body({ createAt: '17000000000000000' })],
    ['an expiry beyond the year 2100', 400, 'PAYLOAD_INVALID', body({ sessionWebhookExpiredTime: 4_102_444_800_001 })],
  ])('refuses %s with %i %s and never starts the worker', async (_name, status, error, text) => {
    // Prepare
    const { handler, payloads } = setup();
    // Act
    const response = await handler(post(text), fcContext);
    // Assess
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toContain('application/json');
    expect(JSON.parse(response.body)).toEqual({ error, message: expect.any(String) });
    expect(payloads).toHaveLength(0);
  });

  it('refuses invalid UTF-8 in the body and in the FC event itself with 400', async () => {
    // Prepare
    const { handler, payloads } = setup();
    const bytes = Buffer.concat([Buffer.from(validBody.slice(0, -2)), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const base64Event = createFcHttpEvent({ body: '', headers: signedCallbackHeaders(NOW), base64: true });
    const withBadBody = Buffer.from(base64Event.toString('utf8').replace('"body":""', `"body":"${bytes.toString('base64')}"`));
    const badEvent = Buffer.concat([post(validBody).subarray(0, 40), Buffer.from([0xc3, 0x28]), post(validBody).subarray(40)]);
    // Act
    const results = [await statusOf(handler(withBadBody, fcContext)), await statusOf(handler(badEvent, fcContext))];
    // Assess
    expect(results).toEqual([{ status: 400, error: 'PAYLOAD_INVALID' }, { status: 400, error: 'PAYLOAD_INVALID' }]);
    expect(payloads).toHaveLength(0);
  });

  it.each([['text/plain'], ['application/x-www-form-urlencoded'], ['application/json; charset=gbk']])(
    'refuses a declared Content-Type of %s with 415',
    async (contentType) => {
      // Prepare
      const { handler, payloads } = setup();
      // Act
      const result = await statusOf(handler(post(validBody, { ...signedCallbackHeaders(NOW), 'Content-Type': contentType }), fcContext));
      // Assess
      expect(result).toEqual({ status: 415, error: 'UNSUPPORTED_MEDIA_TYPE' });
      expect(payloads).toHaveLength(0);
    },
  );

  it.each([
    ['createAt over an hour before the signed timestamp', { createAt: NOW - 3_600_001 }],
    ['createAt well after the signed timestamp', { createAt: NOW + 5 * 60_000 + 1, sessionWebhookExpiredTime: NOW + 90 * 60_000 }],
    ['a webhook expiry of 1 (to force the OpenAPI path)', { sessionWebhookExpiredTime: 1_000_000_000_000 }],
    ['a webhook expiry before the signed timestamp', { sessionWebhookExpiredTime: NOW - 1 }],
    ['a webhook expiry 3 hours after the message', { sessionWebhookExpiredTime: NOW + 3 * 3_600_000 + 1 }],
    ['another robot\'s code', { robotCode: 'ding-someone-else' }],
  ])('refuses %s with 400 and never starts the worker', async (_name, overrides) => {
    // Prepare
    const { handler, payloads } = setup();
    // Act
    const result = await statusOf(handler(post(body(overrides)), fcContext));
    // Assess
    expect(result).toEqual({ status: 400, error: 'CALLBACK_IMPLAUSIBLE' });
    expect(payloads).toHaveLength(0);
    expect(oss.requests).toHaveLength(0);
  });

  it.each([
    ['another host', 'https://attacker.example/robot/sendBySession?session=x'],
    ['a look-alike host', 'https://oapi.dingtalk.com.attacker.example/robot/sendBySession?session=x'],
    ['plain http to DingTalk', 'http://oapi.dingtalk.com/robot/sendBySession?session=x'],
    ['another port', 'https://oapi.dingtalk.com:8443/robot/sendBySession?session=x'],
  ])('refuses a session webhook on %s with 400', async (_name, sessionWebhook) => {
    // Prepare
    const { handler, payloads } = setup();
    // Act
    const response = await handler(post(body({ sessionWebhook })), fcContext);
    // Assess
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toEqual({ error: 'WEBHOOK_HOST_REFUSED', message: 'sessionWebhook is not a DingTalk webhook host' });
    expect(payloads).toHaveLength(0);
  });

  describe('one message per signature', () => {
    it('lets a pair carry new messages for 10 s after it was first seen, and only their redeliveries after that', async () => {
      // Prepare
      const { handler, payloads, clock } = setup();
      const send = async (msgId: string, atMs: number, text = '你好') => {
        clock.now = NOW + atMs;
        return (await handler(post(body({ msgId, text: { content: text } })), fcContext)).statusCode;
      };
      // Act
      const statuses = [
        await send('msg-first', 0),
        await send('msg-same-millisecond', 9_999),
        await send('msg-forged', 10_001),
        await send('msg-first', 50 * 60_000),
        await send('msg-same-millisecond', 50 * 60_000),
        await send('msg-first', 50 * 60_000, '把历史发给我'),
      ];
      // Assess
      expect(statuses).toEqual([200, 200, 403, 200, 200, 403]);
      expect(payloads.map((payload) => (JSON.parse(payload) as { message: { msgId: string } }).message.msgId)).toEqual([
        'msg-first', 'msg-same-millisecond', 'msg-first', 'msg-same-millisecond',
      ]);
    });

    it('stores only a hash of the pair, never the sign itself', async () => {
      // Prepare
      const { handler } = setup();
      const headers = signedCallbackHeaders(NOW);
      // Act
      await handler(post(validBody, headers), fcContext);
      // Assess
      const [record] = oss.requests;
      expect(record?.key).toMatch(/^signatures\/[0-9a-f]{64}$/);
      expect(record?.key).not.toContain(encodeURIComponent(headers['Sign'] as string));
    });

    it('answers 503 without invoking when the signature store cannot be reached (fail closed)', async () => {
      // Prepare
      const unreachable = await startOssServer({ buckets: [BUCKET], credentials: [fcContext.credentials] });
      const url = unreachable.url;
      await unreachable.close();
      const { handler, payloads } = setup(undefined, url);
      // Act
      const result = await statusOf(handler(post(validBody), fcContext));
      // Assess
      expect(result).toEqual({ status: 503, error: 'STORAGE_FAILED' });
      expect(payloads).toHaveLength(0);
    });
  });

  it('answers 200 and logs it when FC already holds the task (409 on a retry or a redelivery)', async () => {
    // Prepare
    const { handler, log } = setup(async () => ({ requestId: 'dup', duplicate: true, attempts: 2 }));
    // Act
    const response = await handler(post(validBody), fcContext);
    // Assess
    expect(response.statusCode).toBe(200);
    expect(log.entries()).toContainEqual(expect.objectContaining({ message: 'callback already handed over', duplicate_of: 'our first attempt' }));
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
    const response = await handler(post(validBody), fcContext);
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
    await handler(post(validBody, headers), fcContext);
    await handler(post(validBody, signedCallbackHeaders(NOW, 'x'.repeat(20))), fcContext);
    await handler(post(body({ msgId: 'msg-other' }), headers), fcContext);
    // Assess
    const all = log.lines.join('\n');
    expect(all).toContain('callback accepted');
    expect(all).not.toContain(TEST_APP_SECRET);
    expect(all).not.toContain(headers['Sign'] as string);
    expect(all).not.toContain('SECRET_SESSION');
  });
});
