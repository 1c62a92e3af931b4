import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createAccessTokenProvider } from '../../../../../shared/channels/dingtalk/access-token';
import { createDingTalkHttp } from '../../../../../shared/channels/dingtalk/dingtalk-http';
import { createReplier, type Replier, summarizeTitle } from '../../../../../shared/channels/dingtalk/replier';
import { parseWebhookHosts } from '../../../../../shared/channels/dingtalk/webhook-hosts';
import type { DingTalkMessage } from '../../../../../shared/channels/dingtalk/schema';
import { DeliveryError } from '../../../../../shared/errors';
import { describeError, type LogFields, type Logger } from '../../../../../shared/logging/logger';
import { type DingTalkStandIn, type DingTalkStandInOptions, startDingTalkStandIn } from '../../../../../local/dingtalk/dingtalk-stand-in';

const NOW = 1_700_000_000_000;
const HOUR = 60 * 60 * 1000;
const LIMITS = { maxChars: 200 };

interface MessageShape {
  group?: boolean;
  /** Another session webhook URL than the fake's (the fake still serves the OpenAPI). */
  webhook?: string;
  staffId?: string | null;
  expiresAt?: number | null;
  robotCode?: string;
}

function recordingLogger(): { logger: Logger; lines: Array<{ level: string; message: string; fields: string }> } {
  const lines: Array<{ level: string; message: string; fields: string }> = [];
  const serialize = (fields?: LogFields): string =>
    JSON.stringify(fields ?? {}, (_key, value: unknown) => (value instanceof Error ? describeError(value) : value));
  const logger: Logger = {
    debug: (message, fields) => lines.push({ level: 'debug', message, fields: serialize(fields) }),
    info: (message, fields) => lines.push({ level: 'info', message, fields: serialize(fields) }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields: serialize(fields) }),
    error: (message, fields) => lines.push({ level: 'error', message, fields: serialize(fields) }),
    child: () => logger,
  };
  return { logger, lines };
}

/** Three paragraphs that the 200-character test limit splits into three messages. */
const threeParts = ['第一部分', '第二部分', '第三部分'].map((label) => `${label}：${'内容'.repeat(60)}`);

/** A local port nobody listens on: a connection to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('createReplier', () => {
  // The worker's own client with a short timeout, so an answer the fake holds back for LATE_MS comes too late.
  const http = createDingTalkHttp({ timeoutMs: 500 });
  const LATE_MS = 1500;
  let fake: DingTalkStandIn;
  let log: ReturnType<typeof recordingLogger>;
  let replier: Replier;

  const start = async (options: DingTalkStandInOptions = {}, extraWebhookHosts: string[] = []): Promise<void> => {
    fake = await startDingTalkStandIn(options);
    log = recordingLogger();
    const tokens = createAccessTokenProvider({ http, apiBase: fake.url, appKey: fake.appKey, appSecret: fake.appSecret });
    replier = createReplier({
      http,
      apiBase: fake.url,
      appKey: fake.appKey,
      tokens,
      webhookHosts: parseWebhookHosts([new URL(fake.url).host, ...extraWebhookHosts]),
      logger: log.logger,
      now: () => NOW,
      split: LIMITS,
    });
  };

  const message = (shape: MessageShape = {}): DingTalkMessage => ({
    msgId: 'msg-1',
    msgtype: 'text',
    conversationId: 'cidGroup==',
    conversationType: shape.group ? '2' : '1',
    senderId: '$:LWCP_v1:$sender',
    ...(shape.staffId === null ? {} : { senderStaffId: shape.staffId ?? 'user123' }),
    ...(shape.robotCode === undefined ? {} : { robotCode: shape.robotCode }),
    sessionWebhook: shape.webhook ?? fake.webhookUrl('sess-1'),
    ...(shape.expiresAt === null ? {} : { sessionWebhookExpiredTime: shape.expiresAt ?? NOW + HOUR }),
    text: { content: ' 你好' },
  });
  const count = (route: string): number => fake.requests.filter((request) => request.route === route).length;

  afterEach(() => fake.close());

  it('answers a 1:1 chat through the session webhook with a plain-text title', async () => {
    // Prepare
    await start();

    // Act
    const result = await replier.reply(message(), '## 今天的天气\n\n**晴**，25°C。');

    // Assess
    expect(result).toEqual({ parts: 1, skipped: 0, via: ['webhook'], uncertain: 0 });
    expect(fake.messages).toEqual([
      { via: 'webhook', session: 'sess-1', title: '今天的天气', text: '## 今天的天气\n\n**晴**，25°C。' },
    ]);
  });

  it('@-mentions the sender in the first group part only', async () => {
    // Prepare
    await start();

    // Act
    const result = await replier.reply(message({ group: true }), threeParts.join('\n\n'));

    // Assess
    expect(result).toEqual({ parts: 3, skipped: 0, via: ['webhook', 'webhook', 'webhook'], uncertain: 0 });
    expect(fake.messages.map(({ text, atUserIds }) => ({ text, atUserIds }))).toEqual([
      { text: `@user123\n\n${threeParts[0]}`, atUserIds: ['user123'] },
      { text: threeParts[1], atUserIds: undefined },
      { text: threeParts[2], atUserIds: undefined },
    ]);
  });

  it.each([
    ['1:1', false, { via: 'batchSend', userIds: ['user123'] }],
    ['group', true, { via: 'groupSend', conversationId: 'cidGroup==' }],
  ])('sends a %s answer through the OpenAPI, without @, when the webhook has expired', async (_label, group, target) => {
    // Prepare
    await start();

    // Act
    const result = await replier.reply(message({ group, expiresAt: NOW + 10_000 }), '答案');

    // Assess
    expect(result).toEqual({ parts: 1, skipped: 0, via: ['openapi'], uncertain: 0 });
    expect(count('webhook')).toBe(0);
    expect(fake.messages).toEqual([{ ...target, robotCode: fake.appKey, title: '答案', text: '答案' }]);
  });

  it('delivers a long answer as several messages in order, losing nothing and breaking no code block', async () => {
    // Prepare
    await start();
    const code = ['```python', ...Array.from({ length: 14 }, (_unused, index) => `print(${index})  # step ${index}`), '```'];
    const answer = [threeParts[0], code.join('\n'), threeParts[1], '最后一句。'].join('\n\n');

    // Act
    const result = await replier.reply(message(), answer);

    // Assess
    const texts = fake.messages.map((sent) => sent.text);
    expect(result.parts).toBe(texts.length);
    expect(texts.length).toBeGreaterThanOrEqual(3);
    expect(texts.filter((text) => text.includes('print(')).length).toBeGreaterThanOrEqual(2);
    expect(texts.every((text) => text.length <= LIMITS.maxChars)).toBe(true);
    const lines = texts.flatMap((text) => text.split('\n')).filter((line) => line !== '' && !line.startsWith('```'));
    expect(lines).toEqual(answer.split('\n').filter((line) => line !== '' && !line.startsWith('```')));
    for (const text of texts) {
      const fences = text.split('\n').filter((line) => line.startsWith('```'));
      expect(fences.length % 2).toBe(0);
      if (text.includes('print(')) expect(fences[0]).toBe('```python');
    }
  });

  it('continues through the OpenAPI after the webhook fails on part 2, without resending part 1', async () => {
    // Prepare
    await start();
    fake.failNext('webhook', 1, { status: 200, body: { errcode: 130101, errmsg: 'send too fast' } }, 1);

    // Act
    const result = await replier.reply(message(), threeParts.join('\n\n'));

    // Assess
    expect(result).toEqual({ parts: 3, skipped: 0, via: ['webhook', 'openapi', 'openapi'], uncertain: 0 });
    expect(fake.messages.map(({ via, text }) => ({ via, text }))).toEqual([
      { via: 'webhook', text: threeParts[0] },
      { via: 'batchSend', text: threeParts[1] },
      { via: 'batchSend', text: threeParts[2] },
    ]);
    expect(count('webhook')).toBe(2);
  });

  it('refreshes an expired access token and retries the part once', async () => {
    // Prepare
    await start();
    await replier.reply(message({ expiresAt: NOW }), '第一次');
    fake.expireTokens();

    // Act
    const result = await replier.reply(message({ expiresAt: NOW }), '第二次');

    // Assess
    expect(result.via).toEqual(['openapi']);
    expect(fake.messages.map((sent) => sent.text)).toEqual(['第一次', '第二次']);
    expect(count('token')).toBe(2);
    expect(count('batchSend')).toBe(3);
  });

  it('uses the robotCode from the callback when it has one', async () => {
    // Prepare
    await start({ robotCode: 'dingrobotcode' });

    // Act
    await replier.reply(message({ group: true, expiresAt: NOW, robotCode: 'dingrobotcode' }), 'hi');

    // Assess
    expect(fake.messages).toMatchObject([{ via: 'groupSend', robotCode: 'dingrobotcode' }]);
  });

  it('throws a retryable DeliveryError when a 1:1 chat has no staff id and the webhook answers 500', async () => {
    // Prepare
    await start();
    fake.failNext('webhook', 1, { status: 500, body: {} });

    // Act
    const error = await replier.reply(message({ staffId: null }), '答案').catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ deliveredParts: 0, retryable: true });
    expect((error as Error).message).toMatch(/^delivered 0 of 1 reply parts/);
    expect(fake.messages).toEqual([]);
  });

  it('throws a DeliveryError that a retry cannot help when a 1:1 chat has no staff id and the webhook has expired', async () => {
    // Prepare
    await start();

    // Act
    const error = await replier.reply(message({ staffId: null, expiresAt: NOW }), '答案').catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ name: 'DeliveryError', deliveredParts: 0, retryable: false });
    expect(fake.requests).toEqual([]);
  });

  it('throws a retryable DeliveryError saying how many parts went out when both paths fail midway', async () => {
    // Prepare
    await start();
    fake.failNext('webhook', 5, { status: 502, body: {} }, 1);
    fake.failNext('batchSend', 5, { status: 503, body: { code: 'ServiceUnavailable' } });

    // Act
    const error = await replier.reply(message(), threeParts.join('\n\n')).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ deliveredParts: 1, retryable: true });
    expect((error as Error).message).toMatch(/^delivered 1 of 3 reply parts; part 2 failed/);
    expect(fake.messages.map((sent) => sent.text)).toEqual([threeParts[0]]);
    expect(count('webhook')).toBe(2);
    expect(count('batchSend')).toBe(1);
  });

  it('fails delivery to a user outside the visible range, logging the advice but not the webhook URL', async () => {
    // Prepare
    await start();
    fake.setRecipientProblem('user123', 'invalid');

    // Act
    const error = await replier.reply(message({ expiresAt: NOW - 1 }), '答案').catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ deliveredParts: 0, retryable: false });
    expect((error as Error).message).toContain('invalidStaffIdList');
    expect(fake.messages).toEqual([]);
    const failed = log.lines.find((line) => line.message === 'reply part could not be delivered');
    expect(failed?.level).toBe('error');
    expect(failed?.fields).toContain("add the user to the app's visible range in the DingTalk developer console");
    const everything = JSON.stringify(log.lines);
    expect(everything).not.toContain('sess-1');
    expect(everything).not.toContain('127.0.0.1');
  });

  it('logs the path of every part and why it fell back, without URLs or tokens', async () => {
    // Prepare
    await start();
    fake.failNext('webhook', 1, { status: 200, body: { errcode: 300001, errmsg: 'session is not exist' } }, 1);

    // Act
    await replier.reply(message(), threeParts.join('\n\n'));

    // Assess
    expect(log.lines.map(({ level, message: text }) => `${level} ${text}`)).toEqual([
      'info reply part sent',
      'warn session webhook failed; sending this and later parts through the OpenAPI',
      'info reply part sent',
      'info reply part sent',
    ]);
    expect(log.lines[1]?.fields).toContain('300001');
    expect(log.lines.map((line) => line.fields)).toEqual([
      expect.stringContaining('"via":"webhook"'),
      expect.any(String),
      expect.stringContaining('"via":"openapi"'),
      expect.stringContaining('"via":"openapi"'),
    ]);
    const token = fake.requests.find((request) => request.route === 'batchSend')?.headers['x-acs-dingtalk-access-token'];
    const everything = JSON.stringify(log.lines);
    expect(everything).not.toContain('sess-1');
    expect(everything).not.toContain('127.0.0.1');
    expect(everything).not.toContain(String(token));
  });

  describe('when the outcome of a part is unknown', () => {
    it('sends a part the webhook took but answered too late exactly once, and the next part by the webhook', async () => {
      // Prepare
      await start();
      fake.failNext('webhook', 1, { lateByMs: LATE_MS });

      // Act
      const result = await replier.reply(message(), threeParts.join('\n\n'));

      // Assess
      expect(result).toEqual({ parts: 3, skipped: 0, via: ['webhook', 'webhook', 'webhook'], uncertain: 1 });
      expect(fake.messages.map(({ via, text }) => ({ via, text }))).toEqual(threeParts.map((text) => ({ via: 'webhook', text })));
      expect(count('batchSend')).toBe(0);
      expect(count('groupSend')).toBe(0);
      const warning = log.lines.find((line) => line.message.startsWith('reply part got no usable answer'));
      expect(warning).toMatchObject({ level: 'warn', fields: expect.stringContaining('"part":1') });
    });

    it.each([
      ['hangs up after handling it', 'handled-then-hangup' as const],
      ['answers 504', { status: 504, body: {} }],
    ])('does not resend a part when the webhook %s', async (_label, failure) => {
      // Prepare
      await start();
      fake.failNext('webhook', 1, failure, 1);

      // Act
      const result = await replier.reply(message(), threeParts.join('\n\n'));

      // Assess
      expect(result).toMatchObject({ via: ['webhook', 'webhook', 'webhook'], uncertain: 1 });
      expect(count('webhook')).toBe(3);
      expect(count('batchSend')).toBe(0);
    });

    it.each([
      ['1:1', false, 'batchSend' as const],
      ['group', true, 'groupSend' as const],
    ])('does not resend a %s OpenAPI part that timed out, and goes on by the OpenAPI', async (_label, group, route) => {
      // Prepare
      await start();
      fake.failNext(route, 1, { lateByMs: LATE_MS });

      // Act
      const result = await replier.reply(message({ group, expiresAt: NOW }), threeParts.join('\n\n'));

      // Assess
      expect(result).toEqual({ parts: 3, skipped: 0, via: ['openapi', 'openapi', 'openapi'], uncertain: 1 });
      expect(fake.messages.map((sent) => sent.text)).toEqual(threeParts);
      expect(count(route)).toBe(3);
      expect(count('webhook')).toBe(0);
    });

    it('counts an unanswered part as out in DeliveryError when a later part fails on both paths', async () => {
      // Prepare
      await start();
      fake.failNext('webhook', 1, 'handled-then-hangup');
      fake.failNext('webhook', 1, { status: 200, body: { errcode: 300001, errmsg: 'session is not exist' } });
      fake.failNext('batchSend', 1, { status: 403, body: { code: 'Forbidden.AccessDenied.IpNotInWhiteList', message: 'ip not in whitelist' } });

      // Act
      const error = await replier.reply(message(), threeParts.join('\n\n')).catch((caught: unknown) => caught);

      // Assess
      expect(error).toMatchObject({ name: 'DeliveryError', deliveredParts: 1, retryable: false });
      expect((error as Error).message).toMatch(/^delivered 1 of 3 reply parts \(1 of them without an answer\); part 2 failed/);
      expect(fake.messages.map((sent) => sent.text)).toEqual([threeParts[0]]);
    });
  });

  describe('when a part certainly did not arrive', () => {
    it('sends it through the OpenAPI when the webhook refuses the connection', async () => {
      // Prepare
      const port = await closedPort();
      await start({}, [`127.0.0.1:${port}`]);

      // Act
      const result = await replier.reply(message({ webhook: `http://127.0.0.1:${port}/robot/sendBySession?session=sess-1` }), '答案');

      // Assess
      expect(result).toEqual({ parts: 1, skipped: 0, via: ['openapi'], uncertain: 0 });
      expect(fake.messages).toEqual([expect.objectContaining({ via: 'batchSend', text: '答案' })]);
      const warning = log.lines.find((line) => line.message.startsWith('session webhook failed'));
      expect(warning?.fields).toContain('ECONNREFUSED');
      expect(JSON.stringify(log.lines)).not.toContain('sess-1');
    });

    it('sends it through the OpenAPI when the webhook answers errcode 310000', async () => {
      // Prepare
      await start();
      fake.failNext('webhook', 1, { status: 200, body: { errcode: 310000, errmsg: 'keywords not in content' } });

      // Act
      const result = await replier.reply(message({ group: true }), '答案');

      // Assess
      expect(result.via).toEqual(['openapi']);
      expect(fake.messages).toEqual([expect.objectContaining({ via: 'groupSend', text: '答案' })]);
    });

    it.each([
      ['429', { status: 429, body: { code: 'Throttling', message: 'too many requests' } }, true],
      ['403 QpsLimit', { status: 403, body: { code: 'Forbidden.AccessDenied.QpsLimitForApi', message: 'qps' } }, true],
      ['500', { status: 500, body: { code: 'systemError', message: 'busy' } }, true],
      ['400 robot not in the group', { status: 400, body: { code: 'invalidParameter.robotCode.notExsit', message: 'robotCode不存在' } }, false],
      ['400 unknown group', { status: 400, body: { code: 'invalid.openConversationId', message: 'bad cid' } }, false],
    ])('says whether a retry could help when the group OpenAPI answers %s', async (_label, failure, retryable) => {
      // Prepare
      await start();
      fake.failNext('groupSend', 1, failure);

      // Act
      const error = await replier.reply(message({ group: true, expiresAt: NOW }), '答案').catch((caught: unknown) => caught);

      // Assess
      expect(error).toMatchObject({ name: 'DeliveryError', deliveredParts: 0, retryable });
      expect(fake.messages).toEqual([]);
    });

    it('calls a flow-controlled recipient retryable', async () => {
      // Prepare
      await start();
      fake.setRecipientProblem('user123', 'flowControlled');

      // Act
      const error = await replier.reply(message({ expiresAt: NOW }), '答案').catch((caught: unknown) => caught);

      // Assess
      expect(error).toMatchObject({ name: 'DeliveryError', retryable: true });
    });
  });

  describe('skipParts', () => {
    it('resumes after the parts an earlier attempt delivered, so the user sees every part once', async () => {
      // Prepare
      await start();
      fake.failNext('webhook', 1, { status: 502, body: {} }, 1);
      fake.failNext('batchSend', 1, { status: 503, body: { code: 'ServiceUnavailable' } });
      const failed = (await replier.reply(message(), threeParts.join('\n\n')).catch((caught: unknown) => caught)) as DeliveryError;

      // Act
      const result = await replier.reply(message(), threeParts.join('\n\n'), { skipParts: failed.deliveredParts });

      // Assess
      expect(failed.deliveredParts).toBe(1);
      expect(result).toEqual({ parts: 3, skipped: 1, via: ['webhook', 'webhook'], uncertain: 0 });
      expect(fake.messages.map((sent) => sent.text)).toEqual(threeParts);
    });

    it('sends nothing when every part went out already', async () => {
      // Prepare
      await start();

      // Act
      const result = await replier.reply(message(), threeParts.join('\n\n'), { skipParts: 5 });

      // Assess
      expect(result).toEqual({ parts: 3, skipped: 3, via: [], uncertain: 0 });
      expect(fake.requests).toEqual([]);
    });

    it.each([-1, 1.5, Number.NaN])('refuses skipParts %p before sending anything', async (skipParts) => {
      // Prepare
      await start();

      // Act
      const error = await replier.reply(message(), '答案', { skipParts }).catch((caught: unknown) => caught);

      // Assess
      expect(error).toBeInstanceOf(RangeError);
      expect(fake.requests).toEqual([]);
    });
  });
});

describe('summarizeTitle', () => {
  it.each([
    ['## 今天的天气\n\n晴', '今天的天气'],
    ['```ts\nconst x = 1;\n```', 'const x = 1;'],
    ['**重点**：请看 [文档](https://example.com)', '重点：请看 文档'],
    ['> 引用的一段话', '引用的一段话'],
    ['| 列一 | 列二 |\n|---|---|', '列一 列二'],
    ['这是一段超过二十个字符的很长很长的标题文字内容', '这是一段超过二十个字符的很长很长的标题…'],
    ['---\n\n   ', '回复'],
  ])('summarizes %j as %j', (markdown, title) => {
    // Act
    const result = summarizeTitle(markdown);

    // Assess
    expect(result).toBe(title);
  });
});
