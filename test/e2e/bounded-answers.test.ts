import { STAND_IN_CARD_CONTENT_KEY, STAND_IN_CARD_TEMPLATE_ID, type DingTalkStandIn, startDingTalkStandIn } from '../../local/dingtalk/dingtalk-stand-in';
import { startE2eStack, type E2eStack } from './e2e-stack';

const MB = 1024 * 1024;
const ok = (response: Response): void => expect(response.status).toBe(200);
/** The smallest valid PNG: a 1×1 transparent pixel. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const VISIBLE_RANGE_ADVICE = "add the user to the app's visible range in the DingTalk developer console";

describe('end to end: what DingTalk answers is read bounded, and redirects are not followed', () => {
  let e2e: E2eStack;
  let elsewhere: DingTalkStandIn;
  beforeEach(async () => {
    [e2e, elsewhere] = await Promise.all([startE2eStack(), startDingTalkStandIn()]);
  });
  afterEach(async () => {
    await Promise.all([e2e.close(), elsewhere.close()]);
  });

  it('answers through the robot OpenAPI when the session webhook redirects to another receiver', async () => {
    // Prepare
    e2e.dingtalk.failNext('webhook', 1, { status: 302, headers: { location: elsewhere.webhookUrl('stolen') } });
    // Act
    ok(await e2e.send({ text: '你好' }));
    await e2e.drain();
    // Assess
    expect(e2e.dingtalk.messages).toEqual([expect.objectContaining({ via: 'batchSend', text: '回答：你好（共 2 条消息）' })]);
    expect(elsewhere.requests).toEqual([]);
    expect(e2e.workerResults.map((entry) => entry.result.ok)).toEqual([true]);
  });

  // An answer that cannot be read leaves the outcome unknown: DingTalk may have shown the message, so it is not sent
  // a second time through the OpenAPI (docs/dingtalk.md, "Delivery when the outcome is unknown").
  it.each([
    ['answers with 300 MB', () => ({ status: 200, oversized: { bytes: 300 * MB } })],
    ['answers with a gzip bomb', () => ({ status: 200, oversized: { bytes: 300 * MB, gzip: true } })],
  ])('stops reading when the session webhook %s, and sends no second copy', async (_name, failure) => {
    // Prepare
    e2e.dingtalk.failNext('webhook', 1, failure());
    // Act
    ok(await e2e.send({ text: '你好' }));
    await e2e.drain();
    // Assess
    expect(e2e.dingtalk.requests.filter((request) => request.route === 'batchSend')).toEqual([]);
    expect(e2e.dingtalk.requests.filter((request) => request.route === 'webhook')).toHaveLength(1);
    expect(e2e.workerResults.map((entry) => entry.result.ok)).toEqual([true]);
    expect(e2e.output.join('')).toContain('reply part got no usable answer');
  });

  it('does not count a batchSend that names the user in invalidStaffIdList as delivered, logs the advice, and spares FC a retry that cannot help', async () => {
    // Prepare
    e2e.dingtalk.setRecipientProblem('outsider', 'invalid');
    // Act
    ok(await e2e.send({ text: '看得到吗', user: 'outsider', expiredWebhook: true }));
    await e2e.drain();
    // Assess
    expect(e2e.dingtalk.messages).toEqual([]);
    expect(e2e.workerResults.map((entry) => entry.result.ok)).toEqual([true]);
    const logs = e2e.output.join('');
    expect(logs).toContain('invalidStaffIdList');
    expect(logs).toContain(VISIBLE_RANGE_ADVICE);
    expect(logs).not.toContain('session-1');
  });
});

describe('end to end: an AI card DingTalk did not deliver', () => {
  it('falls back to a markdown message', async () => {
    // Prepare
    const e2e = await startE2eStack({ env: { DINGTALK_CARD_TEMPLATE_ID: STAND_IN_CARD_TEMPLATE_ID, DINGTALK_CARD_CONTENT_KEY: STAND_IN_CARD_CONTENT_KEY } });
    try {
      e2e.dingtalk.setRecipientProblem('outsider', 'invalid');
      // Act
      ok(await e2e.send({ text: '卡片', user: 'outsider' }));
      await e2e.drain();
      // Assess
      // The undelivered card is closed as failed, best effort, so that it never looks hung wherever DingTalk keeps it.
      expect(e2e.dingtalk.cardCalls[0]?.route).toBe('cardCreate');
      expect(e2e.dingtalk.cards).toEqual([]);
      expect(e2e.dingtalk.messages).toEqual([expect.objectContaining({ via: 'webhook', text: '回答：卡片（共 2 条消息）' })]);
      expect(e2e.output.join('')).toContain('AI card was created but not delivered');
    } finally {
      await e2e.close();
    }
  });
});

describe('end to end: pictures are bounded per message', () => {
  it('reads only the first IMAGE_MAX_COUNT pictures and says so under the answer', async () => {
    // Prepare
    const e2e = await startE2eStack({ env: { OPENAI_VISION_MODELS: 'fake-model', IMAGE_MAX_COUNT: '4' } });
    try {
      const pictures = Array.from({ length: 20 }, (_, index) => {
        e2e.dingtalk.addFile(`pic-${index}`, { body: PNG });
        return { type: 'picture', downloadCode: `pic-${index}` };
      });
      // Act
      ok(await e2e.send({ text: '', media: { msgtype: 'richText', content: { richText: [{ text: '这些图' }, ...pictures] } } }));
      await e2e.drain();
      // Assess
      const parts: Array<{ type: string }> = e2e.openai.requests[0]?.body.messages.at(-1).content ?? [];
      expect(parts.filter((part) => part.type === 'image_url')).toHaveLength(4);
      expect(e2e.dingtalk.requests.filter((request) => request.route === 'fileContent')).toHaveLength(4);
      expect(e2e.dingtalk.messages.map((message) => message.text)).toEqual([
        '回答：这些图[图片][图片][图片][图片]（共 2 条消息）\n\n（注：消息里有 20 张图片，只读取了前 4 张。）',
      ]);
    } finally {
      await e2e.close();
    }
  });
});

describe('end to end: the model endpoint', () => {
  it('tells the admin to check OPENAI_BASE_URL on a plain 404, logging the path tried without the key', async () => {
    // Prepare: the fake's base URL without its /v1
    const wrong = await startE2eStack({ env: ({ openaiBaseURL }) => ({ OPENAI_BASE_URL: openaiBaseURL.replace(/\/v1$/, '') }) });
    try {
      // Act
      ok(await wrong.send({ text: '有人吗' }));
      await wrong.drain();
      // Assess
      const [reply] = wrong.dingtalk.messages;
      expect(reply?.text).toContain('模型服务地址返回 404，请管理员检查 OPENAI_BASE_URL');
      const logs = wrong.output.join('');
      expect(logs).toContain(`POST ${wrong.openai.baseURL.replace(/\/v1$/, '')}/chat/completions`);
      expect(logs).toContain('MODEL_ENDPOINT_NOT_FOUND');
    } finally {
      await wrong.close();
    }
  });

  it('tells the user about a model failure whose error body is a gzip bomb', async () => {
    // Prepare
    const e2e = await startE2eStack();
    try {
      e2e.openai.enqueue({ status: 502, oversized: { bytes: 300 * MB, gzip: true } }, { status: 502, oversized: { bytes: 300 * MB, gzip: true } });
      // Act
      ok(await e2e.send({ text: '炸弹' }));
      await e2e.drain();
      // Assess
      expect(e2e.dingtalk.messages.map((message) => message.text)).toEqual(['⚠️ 模型服务暂时出错，请稍后再试。']);
    } finally {
      await e2e.close();
    }
  });
});
