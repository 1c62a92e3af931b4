import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ModelError } from '../../../../shared/errors';
import { createLogger, describeError, type Logger } from '../../../../shared/logging/logger';
import type { ChatMessage, ChatModel, StreamProgress } from '../../../../shared/model/chat-model';
import { createNodeHttpFetch } from '../../../../shared/model/node-http-fetch';
import { createOpenAiChatModel, type OpenAiChatModelOptions } from '../../../../shared/model/openai-chat-model';
import { startFakeOpenAi, type FakeOpenAi } from '../../../helpers/fake-openai';
import { useKeepAliveAgents } from '../../../helpers/keep-alive-agents';

const KEY_A = 'sk-test-alpha-0000000001';
const KEY_B = 'sk-test-bravo-0000000002';
const KEY_C = 'sk-test-charlie-000000003';
const MESSAGES: ChatMessage[] = [
  { role: 'system', content: '你是助手' },
  { role: 'user', content: '你好' },
];
const EXPECTED = '回答：你好（共 2 条消息）';

/** A real JSON logger (without `secrets`, so it cannot mask what the adapter leaks) that keeps its lines. */
function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger({ service: 'test', level: 'debug', write: (line) => lines.push(line) }), lines };
}

async function failureOf(promise: Promise<unknown>): Promise<ModelError> {
  const error: unknown = await promise.then(
    () => new Error('expected the call to fail'),
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ModelError)) throw error;
  return error;
}

async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The adapter over the transport the worker gives it (node-http-fetch.ts); node-http-fetch.test.ts runs the same
 * client over the built-in fetch as well and expects the same results.
 */
describe('createOpenAiChatModel', () => {
  let fake: FakeOpenAi;
  let lines: string[];
  const agents = useKeepAliveAgents();
  let make: (overrides?: Partial<OpenAiChatModelOptions>) => ChatModel;

  beforeEach(async () => {
    fake = await startFakeOpenAi();
    const captured = capturingLogger();
    lines = captured.lines;
    make = (overrides = {}) =>
      createOpenAiChatModel({
        baseURL: fake.baseURL,
        apiKeys: [KEY_A],
        model: 'qwen-plus',
        logger: captured.logger,
        fetch: createNodeHttpFetch({ agents: agents() }),
        ...overrides,
      });
  });

  afterEach(async () => {
    await fake.close();
  });

  describe('completions', () => {
    it('gives the same text, model and usage whether streamed or not', async () => {
      // Prepare
      const model = make();

      // Act
      const plain = await model.complete({ messages: MESSAGES, timeoutMs: 5000 });
      const streamed = await model.complete({ messages: MESSAGES, timeoutMs: 5000, onProgress: () => undefined });

      // Assess
      const usage = { promptTokens: 6, completionTokens: 14, totalTokens: 20 };
      expect(plain).toEqual({ text: EXPECTED, model: 'qwen-plus', usage });
      expect(streamed).toEqual(plain);
      expect(fake.requests.map(({ body }) => [body.stream ?? false, body.stream_options])).toEqual([
        [false, undefined],
        [true, { include_usage: true }],
      ]);
    });

    it('calls onProgress with the accumulated answer as it grows', async () => {
      // Prepare
      fake.enqueue({ text: '一二三四五六七八', chunks: 4, chunkDelayMs: 5 });
      const seen: StreamProgress[] = [];

      // Act
      const result = await make().complete({ messages: MESSAGES, timeoutMs: 5000, onProgress: (p) => seen.push(p) });

      // Assess
      expect(seen.map(({ answer }) => answer)).toEqual(['一二', '一二三四', '一二三四五六', '一二三四五六七八']);
      expect(seen.every(({ reasoning }) => reasoning === '')).toBe(true);
      expect(result).not.toHaveProperty('reasoning');
      expect(result.text).toBe('一二三四五六七八');
    });

    it('logs the time to the first answer text of a streamed call, and none for a plain one', async () => {
      // Prepare: reasoning first, which the user does not see as the answer
      fake.enqueue({ text: '一二三四', chunks: 2, reasoning: '想一想', chunkDelayMs: 5 });
      const model = make();

      // Act
      await model.complete({ messages: MESSAGES, timeoutMs: 5000, onProgress: () => undefined });
      await model.complete({ messages: MESSAGES, timeoutMs: 5000 });

      // Assess
      const completed = lines.map((line) => JSON.parse(line)).filter((entry) => entry.message === 'model call completed');
      expect(completed.map((entry) => [entry.streamed, typeof entry.firstTokenMs])).toEqual([
        [true, 'number'],
        [false, 'undefined'],
      ]);
      const [streamed] = completed;
      expect(streamed.firstTokenMs).toBeGreaterThanOrEqual(0);
      expect(streamed.firstTokenMs).toBeLessThanOrEqual(streamed.durationMs);
    });

    it('sends the configured model, messages, temperature and max_tokens', async () => {
      // Prepare
      const model = make({ model: 'deepseek-chat', temperature: 0.3, maxTokens: 256 });

      // Act
      await model.complete({ messages: MESSAGES, timeoutMs: 5000 });

      // Assess
      const sent = { model: 'deepseek-chat', messages: MESSAGES, temperature: 0.3, max_tokens: 256 };
      expect(fake.requests[0]?.body).toMatchObject(sent);
      expect(fake.requests[0]?.apiKey).toBe(KEY_A);
    });

    it('sends the per-call model instead of the configured one', async () => {
      // Prepare
      const model = make({ model: 'qwen-plus' });

      // Act
      const result = await model.complete({ messages: MESSAGES, model: 'qwen-max', timeoutMs: 5000 });
      await model.complete({ messages: MESSAGES, timeoutMs: 5000 });

      // Assess
      expect(fake.requests.map(({ body }) => body.model)).toEqual(['qwen-max', 'qwen-plus']);
      expect(result.model).toBe('qwen-max');
    });

    it('sends image parts as image_url with the data URL, and flattens parts outside user messages', async () => {
      // Prepare
      const dataUrl = 'data:image/png;base64,iVBORw0KGgo=';
      const messages: ChatMessage[] = [
        { role: 'system', content: [{ type: 'text', text: '你是助手' }] },
        { role: 'user', content: [{ type: 'text', text: '这是什么？' }, { type: 'image', dataUrl }] },
      ];

      // Act
      const result = await make().complete({ messages, timeoutMs: 5000 });

      // Assess
      expect(fake.requests[0]?.body.messages).toEqual([
        { role: 'system', content: '你是助手' },
        {
          role: 'user',
          content: [
            { type: 'text', text: '这是什么？' },
            { type: 'image_url', image_url: { url: dataUrl } },
          ],
        },
      ]);
      expect(result.text).toBe('回答：这是什么？[图片]（共 2 条消息）');
    });

    it.each([
      ['reasoning_content', 'reasoning_content' as const],
      ['reasoning (newer vLLM, Ollama)', 'reasoning' as const],
    ])('keeps streamed %s out of the answer and reports it as reasoning', async (_name, reasoningField) => {
      // Prepare
      fake.enqueue({ reasoning: '先想一想，再回答', reasoningChunks: 2, reasoningField, text: '答案是四', chunks: 2 });
      const seen: StreamProgress[] = [];

      // Act
      const result = await make().complete({ messages: MESSAGES, timeoutMs: 5000, onProgress: (p) => seen.push(p) });

      // Assess
      expect(seen).toEqual([
        { answer: '', reasoning: '先想一想' },
        { answer: '', reasoning: '先想一想，再回答' },
        { answer: '答案', reasoning: '先想一想，再回答' },
        { answer: '答案是四', reasoning: '先想一想，再回答' },
      ]);
      expect(result).toMatchObject({ text: '答案是四', reasoning: '先想一想，再回答' });
    });

    it('reports reasoning_content of a plain completion as reasoning', async () => {
      // Prepare
      fake.enqueue({ reasoning: '先想一想', text: '答案' });

      // Act
      const result = await make().complete({ messages: MESSAGES, timeoutMs: 5000 });

      // Assess
      expect(result).toMatchObject({ text: '答案', reasoning: '先想一想' });
    });

    it.each([
      ['plain', false],
      ['streamed', true],
    ])('strips <think> blocks from the content (%s)', async (_mode, streamed) => {
      // Prepare: seven chunks cut the tags apart, as real token boundaries do.
      fake.enqueue({ text: '<think>\n用户打招呼。\n</think>\n\n你好！', chunks: 7 });
      const seen: StreamProgress[] = [];
      const onProgress = (progress: StreamProgress): void => void seen.push(progress);

      // Act
      const result = await make().complete({ messages: MESSAGES, timeoutMs: 5000, ...(streamed && { onProgress }) });

      // Assess
      expect(result).toMatchObject({ text: '你好！', reasoning: '用户打招呼。' });
      for (const { answer } of seen) expect(answer).not.toMatch(/<|think/);
      expect(seen.at(-1)).toEqual(streamed ? { answer: '你好！', reasoning: '用户打招呼。' } : undefined);
    });

    it('still returns the answer when onProgress throws', async () => {
      // Prepare
      const onProgress = (): void => {
        throw new Error('card update failed');
      };

      // Act
      const result = await make().complete({ messages: MESSAGES, timeoutMs: 5000, onProgress });

      // Assess
      expect(result.text).toBe(EXPECTED);
      expect(lines.some((line) => line.includes('onProgress callback threw'))).toBe(true);
    });

    it('refuses to be built without an API key', () => {
      // Act & Assess
      expect(() => make({ apiKeys: [] })).toThrow(expect.objectContaining({ code: 'MODEL_NOT_CONFIGURED' }));
    });
  });

  describe('key rotation', () => {
    it('moves past a refused key and keeps using the one that worked', async () => {
      // Prepare
      await fake.close();
      fake = await startFakeOpenAi({ apiKeys: [KEY_B] });
      const model = make({ apiKeys: [KEY_A, KEY_B] });

      // Act
      const first = await model.complete({ messages: MESSAGES, timeoutMs: 5000 });
      const second = await model.complete({ messages: MESSAGES, timeoutMs: 5000, onProgress: () => undefined });

      // Assess
      expect([first.text, second.text]).toEqual([EXPECTED, EXPECTED]);
      expect(fake.requests.map((request) => request.apiKey)).toEqual([KEY_A, KEY_B, KEY_B]);
    });

    it.each([403, 429])('also moves to the next key on %i', async (status) => {
      // Prepare
      fake.enqueue({ status });

      // Act
      const result = await make({ apiKeys: [KEY_A, KEY_B] }).complete({ messages: MESSAGES, timeoutMs: 5000 });

      // Assess
      expect(result.text).toBe(EXPECTED);
      expect(fake.requests.map((request) => request.apiKey)).toEqual([KEY_A, KEY_B]);
    });

    it('throws MODEL_RATE_LIMIT after trying every key exactly once', async () => {
      // Prepare
      fake.enqueue(...[1, 2, 3, 4].map(() => ({ status: 429, headers: { 'retry-after-ms': '10', 'retry-after': '1' } })));

      // Act
      const error = await failureOf(make({ apiKeys: [KEY_A, KEY_B, KEY_C] }).complete({ messages: MESSAGES, timeoutMs: 5000 }));

      // Assess
      expect(error).toMatchObject({ code: 'MODEL_RATE_LIMIT', status: 429 });
      expect(error.message).toContain('Rate limit reached');
      expect(fake.requests.map((request) => request.apiKey)).toEqual([KEY_A, KEY_B, KEY_C]);
    });

    it('does not try other keys when the request itself is rejected', async () => {
      // Prepare
      await fake.close();
      fake = await startFakeOpenAi({ models: ['qwen-plus'] });

      // Act
      const error = await failureOf(
        make({ apiKeys: [KEY_A, KEY_B], model: 'no-such-model' }).complete({ messages: MESSAGES, timeoutMs: 5000 }),
      );

      // Assess
      expect(error).toMatchObject({ code: 'MODEL_UNKNOWN', status: 404 });
      expect(error.message).toContain('HTTP 404');
      expect(error.message).toContain('`no-such-model` does not exist');
      expect(fake.requests).toHaveLength(1);
    });
  });

  describe('time budget', () => {
    it.each([
      ['plain', undefined],
      ['streamed', () => undefined],
    ])('throws MODEL_TIMEOUT well before a silent server would answer (%s)', async (_mode, onProgress) => {
      // Prepare
      fake.enqueue({ hangMs: 5000 });
      const startedAt = Date.now();

      // Act
      const request = { messages: MESSAGES, timeoutMs: 300, ...(onProgress && { onProgress }) };
      const error = await failureOf(make().complete(request));

      // Assess
      const elapsed = Date.now() - startedAt;
      expect(error.code).toBe('MODEL_TIMEOUT');
      expect(error.message).toContain('300 ms');
      expect(elapsed).toBeGreaterThanOrEqual(250);
      expect(elapsed).toBeLessThan(1500);
    });

    it('bounds a stream that stalls after its headers', async () => {
      // Prepare
      fake.enqueue({ text: '一二三四', chunks: 4, chunkDelayMs: 150 });
      const seen: StreamProgress[] = [];
      const startedAt = Date.now();

      // Act
      const request = { messages: MESSAGES, timeoutMs: 400, onProgress: (p: StreamProgress) => seen.push(p) };
      const error = await failureOf(make().complete(request));

      // Assess
      expect(error.code).toBe('MODEL_TIMEOUT');
      expect(Date.now() - startedAt).toBeLessThan(1500);
      expect(seen.length).toBeLessThan(4);
    });

    it('counts key rotation against the same budget', async () => {
      // Prepare
      fake.enqueue({ status: 429 }, { hangMs: 5000 });
      const startedAt = Date.now();

      // Act
      const error = await failureOf(make({ apiKeys: [KEY_A, KEY_B] }).complete({ messages: MESSAGES, timeoutMs: 400 }));

      // Assess
      expect(error.code).toBe('MODEL_TIMEOUT');
      expect(Date.now() - startedAt).toBeLessThan(1500);
      expect(fake.requests.map((request) => request.apiKey)).toEqual([KEY_A, KEY_B]);
    });
  });

  describe('failures', () => {
    it('throws MODEL_UNREACHABLE when nothing listens, after one retry', async () => {
      // Prepare
      let calls = 0;
      const countingFetch: typeof fetch = (input, init) => {
        calls++;
        return fetch(input, init);
      };
      const model = make({ baseURL: `http://127.0.0.1:${await unusedPort()}/v1`, fetch: countingFetch });

      // Act
      const error = await failureOf(model.complete({ messages: MESSAGES, timeoutMs: 5000 }));

      // Assess
      expect(error.code).toBe('MODEL_UNREACHABLE');
      expect(error.message).toContain('ECONNREFUSED');
      expect(calls).toBe(2);
    });

    it('throws MODEL_UNREACHABLE when the connection drops, after one retry', async () => {
      // Prepare
      fake.enqueue({ dropConnection: true }, { dropConnection: true });

      // Act
      const error = await failureOf(make().complete({ messages: MESSAGES, timeoutMs: 5000 }));

      // Assess
      expect(error.code).toBe('MODEL_UNREACHABLE');
      expect(fake.requests).toHaveLength(2);
    });

    it('does not retry a stream that already delivered text', async () => {
      // Prepare
      fake.enqueue({ text: '一二三四', chunks: 4, dropAfterChunks: 2 });
      const seen: string[] = [];

      // Act
      const request = { messages: MESSAGES, timeoutMs: 5000, onProgress: (p: StreamProgress) => seen.push(p.answer) };
      const error = await failureOf(make().complete(request));

      // Assess
      expect(error.code).toBe('MODEL_UNREACHABLE');
      expect(seen).toEqual(['一', '一二']);
      expect(fake.requests).toHaveLength(1);
    });

    it('does not retry a stream that already delivered reasoning only', async () => {
      // Prepare: the socket is cut after the first content delta, which is still inside the <think> block.
      fake.enqueue({ reasoning: '先想', text: '<think>再想</think>答', chunks: 3, dropAfterChunks: 1 });
      const seen: StreamProgress[] = [];

      // Act
      const request = { messages: MESSAGES, timeoutMs: 5000, onProgress: (p: StreamProgress) => seen.push(p) };
      const error = await failureOf(make().complete(request));

      // Assess
      expect(error.code).toBe('MODEL_UNREACHABLE');
      expect(seen.map(({ answer }) => answer)).toEqual(['']);
      expect(fake.requests).toHaveLength(1);
    });

    it('throws MODEL_SERVER on a 500 that persists through the one retry', async () => {
      // Prepare
      fake.enqueue({ status: 500 }, { status: 500 });

      // Act
      const error = await failureOf(make({ apiKeys: [KEY_A, KEY_B] }).complete({ messages: MESSAGES, timeoutMs: 5000 }));

      // Assess
      expect(error).toMatchObject({ code: 'MODEL_SERVER', status: 500 });
      expect(error.message).toContain('HTTP 500: The server had an error');
      expect(fake.requests.map((request) => request.apiKey)).toEqual([KEY_A, KEY_A]);
    });

    it('recovers when the retry after a 503 succeeds', async () => {
      // Prepare
      fake.enqueue({ status: 503 });

      // Act
      const result = await make().complete({ messages: MESSAGES, timeoutMs: 5000, onProgress: () => undefined });

      // Assess
      expect(result.text).toBe(EXPECTED);
      expect(fake.requests).toHaveLength(2);
    });

    it('does not retry when the budget left is shorter than the failed attempt took', async () => {
      // Prepare
      fake.enqueue({ status: 502 }, { status: 502 });
      const slow: typeof fetch = async (input, init) => {
        await new Promise((resolve) => setTimeout(resolve, 600));
        return fetch(input, init);
      };

      // Act
      const error = await failureOf(make({ fetch: slow }).complete({ messages: MESSAGES, timeoutMs: 1000 }));

      // Assess
      expect(error).toMatchObject({ code: 'MODEL_SERVER', status: 502 });
      expect(fake.requests).toHaveLength(1);
    });

    it.each([
      ['plain', undefined],
      ['streamed', () => undefined],
    ])('throws MODEL_SERVER on an empty completion (%s)', async (_mode, onProgress) => {
      // Prepare
      fake.enqueue({ text: '   ', finishReason: 'stop' });

      // Act
      const request = { messages: MESSAGES, timeoutMs: 5000, ...(onProgress && { onProgress }) };
      const error = await failureOf(make().complete(request));

      // Assess
      expect(error.code).toBe('MODEL_SERVER');
      expect(error.message).toBe('model returned an empty completion (finish_reason stop)');
      expect(fake.requests).toHaveLength(1);
    });

    it.each([
      ['reasoning_content, plain', { text: '', reasoning: '想了很久' }, false],
      ['reasoning_content, streamed', { text: '', reasoning: '想了很久' }, true],
      ['an unclosed <think>, plain', { text: '<think>想了很久' }, false],
      ['an unclosed <think>, streamed', { text: '<think>想了很久' }, true],
      ['a closed <think> and nothing after it, streamed', { text: '<think>想了很久</think>\n\n' }, true],
    ])('throws MODEL_SERVER when the model only produced reasoning: %s', async (_name, reply, streamed) => {
      // Prepare: typically a reasoning model that ran out of max_tokens while still thinking.
      fake.enqueue({ ...reply, finishReason: 'length' });
      const seen: StreamProgress[] = [];
      const onProgress = (progress: StreamProgress): void => void seen.push(progress);

      // Act
      const request = { messages: MESSAGES, timeoutMs: 5000, ...(streamed && { onProgress }) };
      const error = await failureOf(make().complete(request));

      // Assess
      expect(error.code).toBe('MODEL_SERVER');
      expect(error.message).toContain('empty completion (finish_reason length)');
      expect(error.message).toContain('only produced reasoning');
      expect(seen.every(({ answer }) => answer === '')).toBe(true);
      expect(fake.requests).toHaveLength(1);
    });

    it.each([
      ['no choices', '{"id":"x","object":"chat.completion","choices":[]}', 'application/json'],
      ['broken JSON', '{"choices":[', 'application/json'],
      ['an HTML page', '<html>gateway</html>', 'text/html'],
    ])('throws MODEL_SERVER on a malformed completion: %s', async (_name, raw, contentType) => {
      // Prepare
      fake.enqueue({ raw, contentType });

      // Act
      const error = await failureOf(make().complete({ messages: MESSAGES, timeoutMs: 5000 }));

      // Assess
      expect(error.code).toBe('MODEL_SERVER');
    });
  });

  describe('bounded answers', () => {
    const MB = 1024 * 1024;

    it.each([
      ['a 300 MB error page', { bytes: 300 * MB }],
      ['a gzip-bombed error page', { bytes: 300 * MB, gzip: true }],
    ])('fails on %s with the status and a short message, reading only its head', async (_label, oversized) => {
      // Prepare
      fake.enqueue({ status: 400, oversized });

      // Act
      const error = await failureOf(make().complete({ messages: MESSAGES, timeoutMs: 10_000 }));

      // Assess
      expect(error).toMatchObject({ code: 'MODEL_REJECTED', status: 400 });
      expect(error.message.length).toBeLessThan(400);
    });

    it.each([
      ['plain', undefined],
      ['streamed', () => undefined],
    ])('fails a %s request whose 200 answer is a gzip bomb', async (_label, onProgress) => {
      // Prepare
      fake.enqueue({ status: 200, oversized: { bytes: 300 * MB, gzip: true } });

      // Act
      const error = await failureOf(make().complete({ messages: MESSAGES, timeoutMs: 10_000, ...(onProgress ? { onProgress } : {}) }));

      // Assess
      expect(error.code).toBe('MODEL_SERVER');
    });

    it('tells a wrong base URL (a plain 404) from an unknown model, naming the path tried but no key', async () => {
      // Prepare
      const origin = fake.baseURL.replace(/\/v1$/, '');
      const { logger } = capturingLogger();
      const model = createOpenAiChatModel({ baseURL: `${origin}/xyz`, apiKeys: [KEY_A], model: 'qwen-plus', logger, fetch: createNodeHttpFetch({ agents: agents() }) });

      // Act
      const error = await failureOf(model.complete({ messages: MESSAGES, timeoutMs: 5000 }));

      // Assess
      expect(error).toMatchObject({ code: 'MODEL_ENDPOINT_NOT_FOUND', status: 404 });
      expect(error.message).toContain(`POST ${origin}/xyz/chat/completions`);
      expect(error.message).toContain('check OPENAI_BASE_URL (usually a missing /v1)');
      expect(error.message).not.toContain(KEY_A);
      expect(fake.requests).toHaveLength(0);
    });
  });

  describe('secrecy', () => {
    it('keeps every key out of error messages, causes and log lines', async () => {
      // Prepare: a careless gateway that echoes the whole key it refused.
      await fake.close();
      fake = await startFakeOpenAi({
        respond: ({ apiKey }) => ({ status: 401, error: { message: `key ${apiKey} is revoked (Bearer ${apiKey})` } }),
      });
      const model = make({ apiKeys: [KEY_A, KEY_B] });

      // Act
      const error = await failureOf(model.complete({ messages: MESSAGES, timeoutMs: 5000 }));
      const nowhere = make({ apiKeys: [KEY_A], baseURL: `http://127.0.0.1:${await unusedPort()}/v1` });
      const unreachable = await failureOf(nowhere.complete({ messages: MESSAGES, timeoutMs: 5000 }));

      // Assess
      expect(error).toMatchObject({ code: 'MODEL_AUTH', status: 401 });
      expect(error.message).toContain('is revoked');
      const described = [error, unreachable].map((thrown) => JSON.stringify(describeError(thrown)));
      const everything = [error.message, ...described, ...lines].join('\n');
      expect(lines.length).toBeGreaterThan(0);
      for (const key of [KEY_A, KEY_B]) expect(everything).not.toContain(key);
    });
  });
});
