import OpenAI from 'openai';
import { startFakeOpenAi, type FakeOpenAi } from '../../helpers/fake-openai';

/** The fake stands in for real providers in the end-to-end suite, so its wire protocol is checked with the real SDK. */
describe('startFakeOpenAi', () => {
  let fake: FakeOpenAi | undefined;

  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  const ask = { model: 'm', messages: [{ role: 'user' as const, content: 'x' }] };

  function client(server: FakeOpenAi, apiKey = 'sk-fake-one'): OpenAI {
    return new OpenAI({ apiKey, baseURL: server.baseURL, maxRetries: 0, organization: null, project: null });
  }

  it('answers by default with the last user message and the message count', async () => {
    // Prepare
    fake = await startFakeOpenAi();
    const messages = [
      { role: 'user' as const, content: '第一句' },
      { role: 'assistant' as const, content: '回答：第一句（共 1 条消息）' },
      { role: 'user' as const, content: '第二句' },
    ];

    // Act
    const completion = await client(fake).chat.completions.create({ model: 'm', messages });

    // Assess
    expect(completion.choices[0]?.message.content).toBe('回答：第二句（共 3 条消息）');
    expect(fake.requests).toEqual([{ apiKey: 'sk-fake-one', body: { model: 'm', messages } }]);
  });

  it('streams deltas, a finish chunk, the usage chunk when asked, and [DONE] that the strict helper accepts', async () => {
    // Prepare
    fake = await startFakeOpenAi();
    fake.enqueue({ text: '你好世界', chunks: 2 });

    // Act
    const stream = client(fake).chat.completions.stream({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    stream.on('content', (delta) => deltas.push(delta));
    const final = await stream.finalChatCompletion();

    // Assess
    expect(deltas).toEqual(['你好', '世界']);
    expect(final.choices[0]?.message.content).toBe('你好世界');
    expect(final.choices[0]?.finish_reason).toBe('stop');
    expect(final.usage).toEqual({ prompt_tokens: 2, completion_tokens: 4, total_tokens: 6 });
  });

  it('refuses keys outside the allow-list with OpenAI error JSON, without consuming the queue', async () => {
    // Prepare
    fake = await startFakeOpenAi({ apiKeys: ['sk-fake-good'] });
    fake.enqueue({ text: 'queued' });

    // Act
    const refused: unknown = await client(fake, 'sk-fake-bad-key').chat.completions.create(ask).catch((e: unknown) => e);
    const accepted = await client(fake, 'sk-fake-good').chat.completions.create(ask);

    // Assess
    expect(refused).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(refused).toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect(accepted.choices[0]?.message.content).toBe('queued');
  });

  it('passes error statuses and headers through to the SDK', async () => {
    // Prepare
    fake = await startFakeOpenAi();
    const error429 = { message: 'slow down', type: 'rate_limit_error', code: 'rate_limit' };
    fake.enqueue({ status: 429, headers: { 'retry-after-ms': '10' }, error: error429 });

    // Act
    const error: unknown = await client(fake).chat.completions.create(ask).catch((thrown: unknown) => thrown);

    // Assess
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toMatchObject({ status: 429, message: '429 slow down', code: 'rate_limit' });
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after-ms')).toBe('10');
  });

  it('lists its models', async () => {
    // Prepare
    fake = await startFakeOpenAi({ models: ['qwen-plus', 'deepseek-chat'] });

    // Act
    const page = await client(fake).models.list();

    // Assess
    expect(page.data.map((model) => model.id)).toEqual(['qwen-plus', 'deepseek-chat']);
  });

  it('closes while a request is still hanging', async () => {
    // Prepare
    fake = await startFakeOpenAi();
    fake.enqueue({ hangMs: 60_000 });
    const pending = client(fake).chat.completions.create(ask).catch((error: unknown) => error);
    while (fake.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    // Act
    const startedAt = Date.now();
    await fake.close();
    fake = undefined;

    // Assess
    expect(Date.now() - startedAt).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(OpenAI.APIConnectionError);
  });
});
