import { E2E_API_KEYS, startE2eStack, type E2eStack } from './e2e-stack';
import { STAND_IN_APP_SECRET } from '../../local/dingtalk/dingtalk-stand-in';

const waitFor = async (condition: () => boolean, timeoutMs = 10_000): Promise<void> => {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

describe('end to end: failures the user is told about, and retries that answer once', () => {
  let e2e: E2eStack;
  beforeEach(async () => {
    e2e = await startE2eStack({ workerTimeoutSeconds: 15 });
  });
  afterEach(async () => e2e.close());

  it.each([
    ['rejects every API key (401)', { status: 401, error: { message: 'Incorrect API key provided' } }, 'API Key'],
    ['rate-limits every API key (429)', { status: 429, error: { message: 'Rate limit reached' } }, '限流'],
  ])('tells the user when the model %s, after trying each key once', async (_name, reply, words) => {
    // Prepare
    e2e.openai.enqueue(reply, reply);
    // Act
    await e2e.send({ text: '你好' });
    await e2e.drain();
    // Assess
    expect(e2e.openai.requests.map((request) => request.apiKey)).toEqual(E2E_API_KEYS);
    expect(e2e.dingtalk.messages).toHaveLength(1);
    expect(e2e.dingtalk.messages[0]?.text).toContain(words);
    expect((await e2e.history()).some((record) => record.t === 'turn')).toBe(false);
  });

  it('moves to the next key when the first is rejected, and answers', async () => {
    // Prepare
    e2e.openai.enqueue({ status: 401, error: { message: 'revoked' } });
    // Act
    await e2e.send({ text: '换一把钥匙' });
    await e2e.drain();
    // Assess
    expect(e2e.dingtalk.messages[0]?.text).toBe('回答：换一把钥匙（共 2 条消息）');
  });

  it('tells the user when the model is too slow, before FC would stop the worker', async () => {
    // Prepare: OPENAI_TIMEOUT_MS is 3 s in the e2e stack
    e2e.openai.enqueue({ hangMs: 8_000 });
    const started = Date.now();
    // Act
    await e2e.send({ text: '慢慢想' });
    await e2e.drain();
    // Assess
    expect(e2e.dingtalk.messages[0]?.text).toContain('超时');
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(e2e.workerResults.every((entry) => entry.result.ok)).toBe(true);
  });

  it('retries through FC when the reply cannot be delivered at all, and then answers once', async () => {
    // Prepare: the webhook and the OpenAPI both fail on the first attempt
    e2e.dingtalk.failNext('webhook', 1, { status: 500 });
    e2e.dingtalk.failNext('batchSend', 1, { status: 500, body: { code: 'systemError', message: 'busy' } });
    // Act
    await e2e.send({ text: '一定要送达' });
    await e2e.drain();
    // Assess
    expect(e2e.workerResults.map((entry) => entry.result.ok)).toEqual([false, true]);
    expect(e2e.dingtalk.messages.map((message) => message.text)).toEqual(['回答：一定要送达（共 2 条消息）']);
    expect((await e2e.history()).filter((record) => record.t === 'turn')).toHaveLength(1);
  });

  it('answers once after the worker instance crashes mid-turn and FC retries it', async () => {
    // Prepare: the first model call never answers; the worker instance dies while waiting for it
    e2e.openai.enqueue({ hangMs: 30_000 });
    // Act
    await e2e.send({ text: '崩溃后重试' });
    await waitFor(() => e2e.openai.requests.length === 1);
    expect(await e2e.stack.crashWorker()).toBe(1);
    await e2e.drain();
    // Assess
    expect(e2e.workerResults.map((entry) => (entry.result.ok ? 'ok' : entry.result.kind))).toEqual(['crash', 'ok']);
    expect(e2e.dingtalk.messages.map((message) => message.text)).toEqual(['回答：崩溃后重试（共 2 条消息）']);
    expect((await e2e.history()).filter((record) => record.t === 'turn')).toHaveLength(1);
  });

  it('never writes the app secret, API keys, sign values or session webhook tokens to any log', async () => {
    // Prepare
    e2e.openai.enqueue({ status: 401, error: { message: `bad key ${E2E_API_KEYS[0]}` } });
    // Act
    await e2e.send({ text: '日志里不能有秘密' });
    await e2e.send({ text: '第二条', expiredWebhook: true });
    await e2e.drain();
    // Assess
    const logs = e2e.output.join('');
    expect(logs).toContain('"message":"answered"');
    for (const secret of [STAND_IN_APP_SECRET, ...E2E_API_KEYS, 'session-1', 'session-2', e2e.stack.credentials.accessKeySecret]) {
      expect(logs).not.toContain(secret);
    }
    expect(logs).not.toMatch(/"sign":"[A-Za-z0-9+/=]{20,}"/);
  });
});

describe('end to end: an unreachable model', () => {
  it('tells the user the model cannot be reached', async () => {
    // Prepare
    const e2e = await startE2eStack({ env: { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' } });
    try {
      // Act
      await e2e.send({ text: '有人吗' });
      await e2e.drain();
      // Assess
      expect(e2e.dingtalk.messages[0]?.text).toContain('无法连接到模型服务');
    } finally {
      await e2e.close();
    }
  });
});
