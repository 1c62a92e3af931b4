import { ModelError } from '../../../../shared/errors';
import {
  createBoundedFetch,
  MODEL_ANSWER_MAX_BYTES,
  MODEL_ERROR_BODY_MAX_BYTES,
  MODEL_EVENT_MAX_BYTES,
} from '../../../../shared/model/bounded-fetch';
import { createNodeHttpFetch } from '../../../../shared/model/node-http-fetch';
import { type FakeOpenAi, startFakeOpenAi } from '../../../helpers/fake-openai';
import { useKeepAliveAgents } from '../../../helpers/keep-alive-agents';

const MB = 1024 * 1024;

const agents = useKeepAliveAgents();

/**
 * The fetch given to the openai SDK, against a real server sending what a broken or hostile gateway could, over the
 * built-in fetch and over the one the worker uses.
 */
describe.each([
  ['the built-in fetch', () => fetch],
  ['node-http-fetch', () => createNodeHttpFetch({ agents: agents() })],
])('createBoundedFetch over %s', (_name, inner) => {
  let fake: FakeOpenAi;
  const post = (bounded: typeof fetch, stream = false): Promise<Response> =>
    bounded(`${fake.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: '你好' }], stream }),
    });

  beforeEach(async () => {
    fake = await startFakeOpenAi();
  });
  afterEach(() => fake.close());

  it.each([
    ['a 300 MB error page', { bytes: 300 * MB }],
    ['a gzip-bombed error page', { bytes: 300 * MB, gzip: true }],
  ])('cuts %s to its first MODEL_ERROR_BODY_MAX_BYTES inflated bytes', async (_label, oversized) => {
    // Prepare
    fake.enqueue({ status: 502, oversized });

    // Act
    const response = await post(createBoundedFetch(inner()));
    const text = await response.text();

    // Assess
    expect(response.status).toBe(502);
    expect(text.length).toBe(MODEL_ERROR_BODY_MAX_BYTES);
    expect(response.headers.get('content-encoding')).toBeNull();
  });

  it('stops reading a huge body: the server gets to write only a small part of it', async () => {
    // Prepare
    fake.enqueue({ status: 500, oversized: { bytes: 300 * MB } });

    // Act
    await (await post(createBoundedFetch(inner()))).text();
    // The server notices the client has gone on its own schedule; it reports the bytes written then.
    while (fake.oversizedSent.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    // Assess
    expect(fake.oversizedSent[0]).toBeLessThan(32 * MB);
  });

  it('fails a gzip-bombed 2xx answer instead of handing on a cut JSON document', async () => {
    // Prepare
    fake.enqueue({ status: 200, oversized: { bytes: 300 * MB, gzip: true } });

    // Act
    const response = await post(createBoundedFetch(inner()));
    const error = await response.json().catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({ code: 'MODEL_SERVER', message: expect.stringMatching(/larger than \d+ bytes/) });
  });

  it('fails a 2xx body that is not an event stream past MODEL_ANSWER_MAX_BYTES even when it has blank lines', async () => {
    // Prepare
    fake.enqueue({ raw: 'a\n\n'.repeat(Math.ceil((MODEL_ANSWER_MAX_BYTES + MB) / 3)), status: 200 });

    // Act
    const error = await (await post(createBoundedFetch(inner()))).text().catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ code: 'MODEL_SERVER', message: `model answer is larger than ${MODEL_ANSWER_MAX_BYTES} bytes` });
  });

  it('passes an ordinary error body and completion on unchanged', async () => {
    // Prepare
    fake.enqueue({ status: 429 });
    const bounded = createBoundedFetch(inner());

    // Act
    const refused = await (await post(bounded)).json();
    const answered = await (await post(bounded)).json();

    // Assess
    expect(refused).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
    expect(answered).toMatchObject({ choices: [{ message: { content: '回答：你好（共 1 条消息）' } }] });
  });

  it('fails an event stream once one event grows past MODEL_EVENT_MAX_BYTES (a gzip bomb without blank lines)', async () => {
    // Prepare
    fake.enqueue({ status: 200, oversized: { bytes: 300 * MB, gzip: true }, contentType: 'text/event-stream' });

    // Act
    const response = await post(createBoundedFetch(inner()), true);
    const error = await response.text().catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ code: 'MODEL_SERVER', message: `model stream sent an event larger than ${MODEL_EVENT_MAX_BYTES} bytes` });
  });

  it('passes an event stream on unbounded in total, while a whole answer of that size fails', async () => {
    // Prepare
    const long = 'x'.repeat(MODEL_ANSWER_MAX_BYTES + MB);
    fake.enqueue({ text: long, chunks: 100 }, { text: long });
    const bounded = createBoundedFetch(inner());

    // Act
    const streamed = await (await post(bounded, true)).text();
    const whole = await (await post(bounded, false)).json().catch((caught: unknown) => caught);

    // Assess
    expect(streamed).toContain('data: [DONE]');
    expect(streamed.length).toBeGreaterThan(MODEL_ANSWER_MAX_BYTES);
    expect(whole).toMatchObject({ code: 'MODEL_SERVER' });
  });
});
