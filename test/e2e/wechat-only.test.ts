import { request } from 'node:http';
import { WORKER_FUNCTION } from '../../local/stack';
import { createFcInvoker } from '../../shared/fc/fc-invoker';
import { createWorkerEvent } from '../helpers/builders';
import { startWechatE2e, type WechatE2e } from './wechat-stack';

/**
 * A deployment that serves only a WeChat Official Account: neither function has DINGTALK_APP_KEY or
 * DINGTALK_APP_SECRET. WeChat answers as usual; the DingTalk path is not served, the health check still is.
 */
describe('end to end: a WeChat-only deployment', () => {
  let wx: WechatE2e;
  beforeAll(async () => {
    wx = await startWechatE2e({ dingtalk: false });
  });
  afterAll(async () => wx.close());

  /** One raw HTTP request to the trigger, as a monitor or DingTalk would send it. */
  const call = (method: string, path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(new URL(path, wx.e2e.stack.url), { method }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end();
    });

  it('answers a WeChat user on /wechat', async () => {
    // Act
    const delivery = await wx.platform().send('oUser-only', { type: 'text', content: '你好' });
    await wx.e2e.drain();
    // Assess
    expect(delivery.seen).toMatch(/^回答：你好/);
    expect(wx.e2e.openai.requests).not.toHaveLength(0);
  });

  it('answers a DingTalk callback on / with 404, even one signed as DingTalk would, and starts nothing', async () => {
    // Prepare
    const accepted = wx.e2e.stack.asyncAccepted();
    // Act
    const response = await wx.e2e.send({ text: '钉钉的消息' });
    await wx.e2e.drain();
    // Assess
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: 'ROUTE_NOT_FOUND' });
    expect(wx.e2e.stack.asyncAccepted()).toBe(accepted);
    expect(wx.e2e.dingtalk.requests).toEqual([]);
  });

  it.each(['GET', 'HEAD'])('keeps the health check: %s / answers 200', async (method) => {
    // Act
    const response = await call(method, '/');
    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toBe(method === 'GET' ? '{"status":"ok"}' : '');
  });

  it('refuses a DingTalk event handed to the worker directly, logs it, and calls no DingTalk API', async () => {
    // Prepare
    const invoker = createFcInvoker({ endpoint: wx.e2e.stack.url, functionName: WORKER_FUNCTION, credentials: wx.e2e.stack.credentials, timeoutMs: 5000 });
    const event = createWorkerEvent({ sessionWebhook: wx.e2e.dingtalk.webhookUrl('session-direct'), sessionWebhookExpiredTime: Date.now() + 3_600_000 });
    // Act
    await invoker.invokeAsync(JSON.stringify(event));
    await wx.e2e.drain();
    // Assess: refused on sight, not retried
    expect(wx.e2e.workerResults.at(-1)).toEqual({ attempt: 0, result: expect.objectContaining({ ok: true, value: 'refused' }) });
    const lines = wx.e2e.output.join('').split('\n').filter((line) => line.includes('this worker does not serve its channel'));
    expect(lines).toEqual([expect.stringContaining('"channel":"dingtalk"')]);
    expect(wx.e2e.dingtalk.requests).toEqual([]);
  });
});

/** A bad setting on a WeChat-only deployment still reaches the WeChat user, from either function. */
describe('end to end: a malformed setting on a WeChat-only deployment', () => {
  let wx: WechatE2e | undefined;
  afterEach(async () => wx?.close());

  it.each([
    ['the callback', 'INVOKE_TIMEOUT_MS', 'soon', '应为 100 到 9000 之间的整数'],
    ['the worker', 'OPENAI_TEMPERATURE', 'hot', '应为 0 到 2 之间的数字'],
  ])('%s: %s is named to the WeChat user (never its value)', async (_, variable, value, expects) => {
    // Prepare
    wx = await startWechatE2e({ dingtalk: false, env: { [variable]: value } });
    // Act
    const delivery = await wx.platform().send('oUser-broken', { type: 'text', content: '你好' });
    await wx.e2e.drain();
    // Assess
    expect(delivery.seen).toContain(`设置项 ${variable} ${expects}`);
    expect(delivery.seen).not.toContain(value);
    expect(wx.e2e.openai.requests).toEqual([]);
  });

  it('the worker: a DingTalk event gets no notice, since this deployment has no DingTalk robot', async () => {
    // Prepare
    wx = await startWechatE2e({ dingtalk: false, env: { OPENAI_TEMPERATURE: 'hot' } });
    const invoker = createFcInvoker({ endpoint: wx.e2e.stack.url, functionName: WORKER_FUNCTION, credentials: wx.e2e.stack.credentials, timeoutMs: 5000 });
    const event = createWorkerEvent({ sessionWebhook: wx.e2e.dingtalk.webhookUrl('session-direct'), sessionWebhookExpiredTime: Date.now() + 3_600_000 });
    // Act
    await invoker.invokeAsync(JSON.stringify(event));
    await wx.e2e.drain();
    // Assess
    expect(wx.e2e.workerResults).toEqual([{ attempt: 0, result: expect.objectContaining({ ok: true, value: 'refused' }) }]);
    expect(wx.e2e.dingtalk.requests).toEqual([]);
  });
});
