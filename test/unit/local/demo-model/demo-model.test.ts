import OpenAI from 'openai';
import { ModelError } from '../../../../shared/errors';
import { createLogger } from '../../../../shared/logging/logger';
import type { ChatModel } from '../../../../shared/model/chat-model';
import { createNodeHttpFetch } from '../../../../shared/model/node-http-fetch';
import { createOpenAiChatModel } from '../../../../shared/model/openai-chat-model';
import { errorText } from '../../../../shared/turn/user-messages';
import { useKeepAliveAgents } from '../../../helpers/keep-alive-agents';
import { demoAnswer } from '../../../../local/demo-model/demo-answer';
import { type DemoModel, startDemoModel } from '../../../../local/demo-model/demo-model';
import { DEMO_MODEL_KEY } from '../../../../local/demo-model/demo-model-env';

const MESSAGES = [
  { role: 'system', content: '你是助手' },
  { role: 'user', content: '你好' },
  { role: 'assistant', content: '你好！' },
  { role: 'user', content: '今天做什么？' },
] as const;
const EXPECTED = demoAnswer([...MESSAGES]);

/** The demo model as the real `openai` client sees it: OpenAI's shapes, field for field. */
describe('startDemoModel with the openai client', () => {
  let demo: DemoModel;
  let client: OpenAI;

  beforeEach(async () => {
    demo = await startDemoModel({ chunkDelayMs: 0, chunkChars: 5 });
    client = new OpenAI({ apiKey: DEMO_MODEL_KEY, baseURL: demo.url, maxRetries: 0 });
  });
  afterEach(() => demo.close());

  it('answers a plain request with a chat.completion and its usage', async () => {
    // Act
    const completion = await client.chat.completions.create({ model: 'demo', messages: [...MESSAGES] });

    // Assess
    expect(completion).toMatchObject({ object: 'chat.completion', model: 'demo' });
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: EXPECTED, refusal: null }, logprobs: null, finish_reason: 'stop' },
    ]);
    const usage = completion.usage;
    expect(usage?.prompt_tokens).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0));
    expect(demo.requests()).toBe(1);
  });

  it('streams the same answer in small chunks, then the usage chunk when asked for it', async () => {
    // Prepare
    const plain = await client.chat.completions.create({ model: 'demo', messages: [...MESSAGES] });

    // Act
    const stream = await client.chat.completions.create({
      model: 'demo', messages: [...MESSAGES], stream: true, stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    // Assess
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.model === 'demo')).toBe(true);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    const deltas = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content ?? ''));
    expect(deltas.join('')).toBe(EXPECTED);
    expect(deltas.filter((delta) => delta !== '').every((delta) => Array.from(delta).length <= 5)).toBe(true);
    expect(chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason)).filter(Boolean)).toEqual(['stop']);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toEqual(plain.usage);
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
  });

  it('sends no usage chunk when the stream did not ask for one', async () => {
    // Act
    const stream = await client.chat.completions.create({ model: 'demo', messages: [...MESSAGES], stream: true });
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    // Assess
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((chunk) => chunk.choices.length === 1 && chunk.usage === undefined)).toBe(true);
  });

  it('lists the demo model', async () => {
    // Act
    const models = await client.models.list();

    // Assess
    expect(models.data.map((model) => model.id)).toEqual(['demo']);
  });

  it('refuses a request without a bearer key, as OpenAI does', async () => {
    // Act
    const response = await fetch(`${demo.url}/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'demo', messages: [...MESSAGES] }),
    });

    // Assess
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringMatching(/didn't provide an API key/) } });
  });

  it('answers a malformed request and an unknown path with OpenAI error bodies', async () => {
    // Act
    const malformed = client.chat.completions.create({ model: 'demo', messages: [] });
    const unknown = new OpenAI({ apiKey: DEMO_MODEL_KEY, baseURL: demo.url.replace(/\/v1$/, ''), maxRetries: 0 }).chat.completions.create({ model: 'demo', messages: [...MESSAGES] });

    // Assess
    await expect(malformed).rejects.toMatchObject({ status: 400, type: 'invalid_request_error' });
    await expect(unknown).rejects.toMatchObject({ status: 404, error: { message: 'Invalid URL (POST /chat/completions)' } });
  });

  it('stages a wrong key with OpenAI\'s 401 body, hinting at the key without showing it', async () => {
    // Prepare
    demo.setFailure('wrong-key');

    // Act
    const call = client.chat.completions.create({ model: 'demo', messages: [...MESSAGES] });

    // Assess
    await expect(call).rejects.toMatchObject({ status: 401, code: 'invalid_api_key', type: 'invalid_request_error', param: null });
    await expect(call).rejects.toHaveProperty('message', expect.not.stringContaining(DEMO_MODEL_KEY));
    await expect(call).rejects.toHaveProperty('message', expect.stringContaining('Incorrect API key provided: loc'));
  });

  it('stages an overloaded server with a 503 server_error, and keeps it until set back to none', async () => {
    // Prepare
    demo.setFailure('down');

    // Act
    const first = client.chat.completions.create({ model: 'demo', messages: [...MESSAGES] });
    await expect(first).rejects.toMatchObject({ status: 503, type: 'server_error' });
    const second = client.chat.completions.create({ model: 'demo', messages: [...MESSAGES] });
    await expect(second).rejects.toMatchObject({ status: 503 });
    demo.setFailure('none');
    const third = await client.chat.completions.create({ model: 'demo', messages: [...MESSAGES] });

    // Assess
    expect(third.choices[0]?.message.content).toBe(EXPECTED);
    expect([demo.failure(), demo.requests()]).toEqual(['none', 3]);
  });
});

async function failureOf(promise: Promise<unknown>): Promise<ModelError> {
  const error: unknown = await promise.then(
    () => new Error('expected the call to fail'),
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ModelError)) throw error;
  return error;
}

/** The demo model behind the worker's own adapter, wired as the worker wires it: what a playground user gets. */
describe('startDemoModel behind the worker\'s model adapter', () => {
  let demo: DemoModel;
  let model: ChatModel;
  const agents = useKeepAliveAgents();

  beforeEach(async () => {
    demo = await startDemoModel({ chunkDelayMs: 0 });
    model = createOpenAiChatModel({
      baseURL: demo.url,
      apiKeys: [DEMO_MODEL_KEY],
      model: demo.model,
      logger: createLogger({ service: 'test', level: 'error', write: () => undefined }),
      fetch: createNodeHttpFetch({ agents: agents() }),
    });
  });
  afterEach(() => demo.close());

  it('streams the answer into growing progress, with the pictures it was sent and the usage', async () => {
    // Prepare
    const answers: string[] = [];
    const picture = { type: 'image' as const, dataUrl: 'data:image/png;base64,iVBORw0KGgo=' };

    // Act
    const completion = await model.complete({
      messages: [{ role: 'user', content: [{ type: 'text', text: '这是什么？' }, picture] }],
      timeoutMs: 5000,
      onProgress: ({ answer }) => answers.push(answer),
    });

    // Assess
    expect(completion.text).toContain('我收到了 1 张图片');
    expect(completion.text).toContain('「这是什么？」');
    expect(answers.length).toBeGreaterThan(10);
    expect(answers.every((answer, index) => index === 0 || answer.startsWith(answers[index - 1] ?? ''))).toBe(true);
    expect(answers.at(-1)).toBe(completion.text);
    expect(completion).toMatchObject({ model: 'demo', usage: { promptTokens: expect.any(Number), completionTokens: expect.any(Number) } });
  });

  it('stages wrong-key as MODEL_AUTH, which tells the user the key was refused', async () => {
    // Prepare
    demo.setFailure('wrong-key');

    // Act
    const error = await failureOf(model.complete({ messages: [...MESSAGES], timeoutMs: 5000, onProgress: () => undefined }));

    // Assess
    expect([error.code, error.status]).toEqual(['MODEL_AUTH', 401]);
    expect(errorText(error)).toContain('模型服务拒绝了 API Key');
    expect(demo.requests()).toBe(1);
  });

  it('stages down as MODEL_SERVER after the adapter\'s one retry, which tells the user the model is unavailable', async () => {
    // Prepare
    demo.setFailure('down');

    // Act
    const error = await failureOf(model.complete({ messages: [...MESSAGES], timeoutMs: 5000, onProgress: () => undefined }));

    // Assess
    expect([error.code, error.status]).toEqual(['MODEL_SERVER', 503]);
    expect(errorText(error)).toBe('⚠️ 模型服务暂时出错，请稍后再试。');
    expect(demo.requests()).toBe(2);
  });

  it('stages timeout as a request never answered, which runs out the budget as MODEL_TIMEOUT', async () => {
    // Prepare
    demo.setFailure('timeout');

    // Act
    const error = await failureOf(model.complete({ messages: [...MESSAGES], timeoutMs: 300, onProgress: () => undefined }));

    // Assess
    expect(error.code).toBe('MODEL_TIMEOUT');
    expect(errorText(error)).toContain('模型响应超时');
  });

  it('closes while a request is held by timeout, ending that request', async () => {
    // Prepare
    demo.setFailure('timeout');
    const held = failureOf(model.complete({ messages: [...MESSAGES], timeoutMs: 15_000 }));
    await waitFor(() => demo.requests() === 1);

    // Act
    await demo.close();

    // Assess: the connection went, so the call fails at once instead of waiting out its budget
    expect((await held).code).toBe('MODEL_UNREACHABLE');
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
