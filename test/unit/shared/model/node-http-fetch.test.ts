import { Agent as HttpAgent, createServer, type ClientRequestArgs } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import OpenAI, { APIConnectionError, APIUserAbortError } from 'openai';
import { ModelError } from '../../../../shared/errors';
import { createLogger } from '../../../../shared/logging/logger';
import type { ChatMessage, StreamProgress } from '../../../../shared/model/chat-model';
import { createKeepAliveAgents, type KeepAliveAgents } from '../../../../shared/http/keep-alive-agents';
import { createNodeHttpFetch } from '../../../../shared/model/node-http-fetch';
import { createOpenAiChatModel } from '../../../../shared/model/openai-chat-model';
import { startFakeOpenAi, type FakeOpenAi } from '../../../helpers/fake-openai';
import { useKeepAliveAgents } from '../../../helpers/keep-alive-agents';
import { TEST_TLS } from '../../../helpers/test-tls';

const KEY = 'sk-test-transport-0000000001';
const MESSAGES: ChatMessage[] = [{ role: 'user', content: '你好' }];
const silent = createLogger({ service: 'test', level: 'error', write: () => undefined });

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected the call to fail'),
    (thrown: unknown) => thrown,
  );
}

async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** An HTTP agent that counts the connections it opens and says how many sockets are still open. */
class CountingAgent extends HttpAgent {
  connections = 0;
  override createConnection(options: ClientRequestArgs, callback?: (error: Error | null, stream: Duplex) => void) {
    this.connections += 1;
    return super.createConnection(options, callback);
  }
  openSockets(): number {
    return [...Object.values(this.sockets), ...Object.values(this.freeSockets)].reduce((sum, list) => sum + (list?.length ?? 0), 0);
  }
}

const agents = useKeepAliveAgents(() => ({ ...createKeepAliveAgents(), http: new CountingAgent({ keepAlive: true, timeout: 4000 }) }));

/** Both fetches go through the same real openai client and adapter: what users see must not depend on the choice. */
describe.each([
  ['the built-in fetch', () => fetch],
  ['node-http-fetch', () => createNodeHttpFetch({ agents: agents() })],
])('the model client over %s', (_name, transport) => {
  let fake: FakeOpenAi;
  const model = (baseURL = fake.baseURL) =>
    createOpenAiChatModel({ baseURL, apiKeys: [KEY], model: 'qwen-plus', logger: silent, fetch: transport() });
  const sdk = () => new OpenAI({ apiKey: KEY, baseURL: fake.baseURL, maxRetries: 0, fetch: transport() });
  const ask = { model: 'qwen-plus', messages: [{ role: 'user' as const, content: '你好' }] };

  beforeEach(async () => {
    fake = await startFakeOpenAi();
  });
  afterEach(() => fake.close());

  it('sends a large request intact and reads the whole completion', async () => {
    // Prepare: a picture as big as the ones the worker sends, and text outside ASCII.
    const dataUrl = `data:image/jpeg;base64,${'A'.repeat(13 * 1024 * 1024)}`;
    const messages: ChatMessage[] = [{ role: 'user', content: [{ type: 'text', text: '这是什么？' }, { type: 'image', dataUrl }] }];

    // Act
    const result = await model().complete({ messages, timeoutMs: 10_000 });

    // Assess
    expect(result).toMatchObject({ text: '回答：这是什么？[图片]（共 1 条消息）', model: 'qwen-plus' });
    expect(fake.requests[0]?.body.messages[0].content[1].image_url.url).toBe(dataUrl);
  });

  it('hands on a streamed completion piece by piece', async () => {
    // Prepare
    fake.enqueue({ text: '一二三四五六七八', chunks: 4, chunkDelayMs: 5 });
    const seen: string[] = [];

    // Act
    const result = await model().complete({ messages: MESSAGES, timeoutMs: 5000, onProgress: (p) => seen.push(p.answer) });

    // Assess
    expect(seen).toEqual(['一二', '一二三四', '一二三四五六', '一二三四五六七八']);
    expect(result.text).toBe('一二三四五六七八');
  });

  it('reports an HTTP error with the status and the provider message', async () => {
    // Prepare
    fake.enqueue({ status: 400, error: { message: '输入过长，请缩短后重试', type: 'invalid_request_error' } });

    // Act
    const error = await failureOf(model().complete({ messages: MESSAGES, timeoutMs: 5000 }));

    // Assess
    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({ code: 'MODEL_REJECTED', status: 400, message: 'model HTTP 400: 输入过长，请缩短后重试' });
  });

  it.each(['gzip' as const, 'deflate' as const, 'br' as const])('decodes a %s answer, whole and streamed', async (contentEncoding) => {
    // Prepare
    fake.enqueue({ text: '压缩过的回答', contentEncoding }, { text: '压缩过的回答', chunks: 3, chunkDelayMs: 5, contentEncoding });
    const seen: StreamProgress[] = [];

    // Act
    const whole = await model().complete({ messages: MESSAGES, timeoutMs: 5000 });
    const streamed = await model().complete({ messages: MESSAGES, timeoutMs: 5000, onProgress: (p) => seen.push(p) });

    // Assess
    expect(whole.text).toBe('压缩过的回答');
    expect(streamed.text).toBe('压缩过的回答');
    expect(seen.map((p) => p.answer)).toEqual(['压缩', '压缩过的', '压缩过的回答']);
  });

  it('stops a stream when the caller aborts in the middle of it', async () => {
    // Prepare
    fake.enqueue({ text: '一二三四五六七八', chunks: 8, chunkDelayMs: 30 });
    const controller = new AbortController();
    const seen: string[] = [];
    const onProgress = (p: StreamProgress) => {
      seen.push(p.answer);
      if (seen.length === 2) controller.abort();
    };

    // Act
    const error = await failureOf(model().complete({ messages: MESSAGES, timeoutMs: 5000, signal: controller.signal, onProgress }));

    // Assess
    expect(error).toMatchObject({ code: 'MODEL_TIMEOUT', message: 'model call was aborted by the caller' });
    expect(seen).toEqual(['一', '一二']);
  });

  it('stops waiting when the caller aborts before the answer', async () => {
    // Prepare
    fake.enqueue({ hangMs: 5000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);

    // Act
    const error = await failureOf(model().complete({ messages: MESSAGES, timeoutMs: 5000, signal: controller.signal }));

    // Assess
    expect(error).toMatchObject({ code: 'MODEL_TIMEOUT', message: 'model call was aborted by the caller' });
  });

  it('ends a call to a server that stalls when its budget runs out, before or after the headers', async () => {
    // Prepare
    fake.enqueue({ hangMs: 5000 }, { text: '一二三四', chunks: 4, chunkDelayMs: 5000 });

    // Act
    const silentServer = await failureOf(model().complete({ messages: MESSAGES, timeoutMs: 200 }));
    const stalledStream = await failureOf(model().complete({ messages: MESSAGES, timeoutMs: 200, onProgress: () => undefined }));

    // Assess
    const expected = { code: 'MODEL_TIMEOUT', message: 'model call exceeded its 200 ms budget' };
    expect(silentServer).toMatchObject(expected);
    expect(stalledStream).toMatchObject(expected);
  });

  it('rejects with the abort reason and errors the body with it, so the SDK tells its timeout from a user abort', async () => {
    // Prepare
    fake.enqueue({ hangMs: 5000 }, { text: '一二三四', chunks: 4, chunkDelayMs: 1000 });
    const streamed = JSON.stringify({ ...ask, stream: true });
    const beforeAnswer = new AbortController();
    const inBody = new AbortController();
    setTimeout(() => beforeAnswer.abort(), 50);

    // Act
    const rejected = await failureOf(transport()(`${fake.baseURL}/chat/completions`, { method: 'POST', body: streamed, signal: beforeAnswer.signal }));
    const response = await transport()(`${fake.baseURL}/chat/completions`, { method: 'POST', body: streamed, signal: inBody.signal });
    const reader = response.body?.getReader();
    await reader?.read();
    inBody.abort();
    const bodyError = await failureOf(reader?.read() ?? Promise.resolve());

    // Assess: the SDK reads a timeout from an AbortError unless its caller's signal fired.
    expect(rejected).toBe(beforeAnswer.signal.reason);
    expect(rejected).toMatchObject({ name: 'AbortError' });
    expect(bodyError).toBe(inBody.signal.reason);
  });

  it('ends a stream the SDK aborts quietly, and a call the caller aborts with its abort error', async () => {
    // Prepare
    fake.enqueue({ hangMs: 5000 }, { text: '一二三四', chunks: 4, chunkDelayMs: 30 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);

    // Act
    const aborted = await failureOf(sdk().chat.completions.create(ask, { signal: controller.signal }));
    const stream = await sdk().chat.completions.create({ ...ask, stream: true });
    const pieces: string[] = [];
    for await (const chunk of stream) {
      pieces.push(chunk.choices[0]?.delta.content ?? '');
      if (pieces.length === 2) stream.controller.abort();
    }

    // Assess
    expect(aborted).toBeInstanceOf(APIUserAbortError);
    expect(pieces).toEqual(['', '一']);
  });

  it('reports a refused connection as unreachable, naming the socket error', async () => {
    // Prepare
    const baseURL = `http://127.0.0.1:${await unusedPort()}/v1`;

    // Act
    const error = await failureOf(model(baseURL).complete({ messages: MESSAGES, timeoutMs: 5000 }));
    const sdkError = await failureOf(new OpenAI({ apiKey: KEY, baseURL, maxRetries: 0, fetch: transport() }).models.list());

    // Assess
    expect(error).toMatchObject({ code: 'MODEL_UNREACHABLE', message: expect.stringMatching(/^model endpoint unreachable: connect ECONNREFUSED 127\.0\.0\.1:\d+$/) });
    expect(sdkError).toBeInstanceOf(APIConnectionError);
    expect((sdkError as APIConnectionError).cause).toMatchObject({ name: 'TypeError', message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
  });

  it('reports a connection dropped in the middle of a stream as unreachable', async () => {
    // Prepare
    fake.enqueue({ text: '一二三四', chunks: 4, dropAfterChunks: 2 });

    // Act
    const error = await failureOf(model().complete({ messages: MESSAGES, timeoutMs: 5000, onProgress: () => undefined }));

    // Assess
    expect(error).toMatchObject({ code: 'MODEL_UNREACHABLE' });
  });
});

describe('createNodeHttpFetch', () => {
  let fake: FakeOpenAi;
  const counting = () => agents().http as CountingAgent;
  const post = (body: NonNullable<RequestInit['body']>) =>
    createNodeHttpFetch({ agents: agents() })(`${fake.baseURL}/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body });
  const json = JSON.stringify({ model: 'qwen-plus', messages: MESSAGES });

  beforeEach(async () => {
    fake = await startFakeOpenAi();
  });
  afterEach(() => fake.close());

  it('keeps the connection alive for the next call of the same instance', async () => {
    // Prepare
    const before = counting().connections;

    // Act
    await (await post(json)).json();
    await (await post(json)).json();

    // Assess
    expect(counting().connections - before).toBe(1);
    expect(fake.requests).toHaveLength(2);
  });

  it('does not follow a redirect: the API key and the conversation stay where they were sent', async () => {
    // Prepare
    const elsewhere = await startFakeOpenAi();
    const redirect = { status: 307, headers: { location: `${elsewhere.baseURL}/chat/completions` } };
    fake.enqueue(redirect, redirect);

    // Act
    const response = await post(json);
    const error = await failureOf(
      createOpenAiChatModel({ baseURL: fake.baseURL, apiKeys: [KEY], model: 'm', logger: silent, fetch: createNodeHttpFetch({ agents: agents() }) }).complete({
        messages: MESSAGES,
        timeoutMs: 5000,
      }),
    );
    await elsewhere.close();

    // Assess
    expect(response.status).toBe(307);
    expect(response.headers.get('location')).toBe(`${elsewhere.baseURL}/chat/completions`);
    expect(error).toMatchObject({ code: 'MODEL_SERVER', status: 307, message: expect.stringContaining(`redirects to ${new URL(elsewhere.baseURL).origin}/v1/chat/completions`) });
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('closes the connection of a body that is aborted or cancelled, instead of reading it on', async () => {
    // Prepare
    counting().destroy();
    fake.enqueue({ text: '一二三四', chunks: 4, chunkDelayMs: 300 }, { text: '一二三四', chunks: 4, chunkDelayMs: 300 });
    const controller = new AbortController();
    const streamed = JSON.stringify({ model: 'qwen-plus', messages: MESSAGES, stream: true });
    const fetcher = createNodeHttpFetch({ agents: agents() });

    // Act
    const aborted = await fetcher(`${fake.baseURL}/chat/completions`, { method: 'POST', body: streamed, signal: controller.signal });
    const reader = aborted.body?.getReader();
    await reader?.read();
    controller.abort();
    const afterAbort = await failureOf(reader?.read() ?? Promise.resolve());
    const cancelled = await post(streamed);
    await cancelled.body?.cancel();
    while (counting().openSockets() > 0) await new Promise((resolve) => setTimeout(resolve, 5));

    // Assess
    expect(afterAbort).toMatchObject({ name: 'AbortError' });
    expect(counting().openSockets()).toBe(0);
  });

  it('speaks HTTPS through its https agent, and refuses a certificate that agent does not trust', async () => {
    // Prepare
    const secure = await startFakeOpenAi({ tls: TEST_TLS });
    const trusting = { http: agents().http, https: new HttpsAgent({ keepAlive: true, ca: TEST_TLS.cert }) };
    const over = (transport: KeepAliveAgents) =>
      createOpenAiChatModel({ baseURL: secure.baseURL, apiKeys: [KEY], model: 'm', logger: silent, fetch: createNodeHttpFetch({ agents: transport }) });

    // Act
    const answered = await over(trusting).complete({ messages: MESSAGES, timeoutMs: 5000, onProgress: () => undefined });
    const refused = await failureOf(over(agents()).complete({ messages: MESSAGES, timeoutMs: 5000 }));
    trusting.https.destroy();
    await secure.close();

    // Assess
    expect(secure.baseURL).toMatch(/^https:/);
    expect(answered.text).toBe('回答：你好（共 1 条消息）');
    expect(refused).toMatchObject({ code: 'MODEL_UNREACHABLE', message: expect.stringContaining('self-signed certificate') });
    expect(secure.requests).toHaveLength(1);
  });

  it('refuses a body it cannot send, before anything is sent', async () => {
    // Act
    const error = await failureOf(post(new ReadableStream<Uint8Array>()));

    // Assess
    expect(error).toBeInstanceOf(TypeError);
    expect(fake.requests).toHaveLength(0);
  });
});
