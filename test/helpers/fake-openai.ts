import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Writable } from 'node:stream';
import { brotliCompressSync, createBrotliCompress, createDeflate, createGzip, deflateSync, gzipSync } from 'node:zlib';
import { type OversizedBody, sendOversized } from '../../local/dingtalk/oversized-body';

/**
 * A real HTTP server on 127.0.0.1 speaking the OpenAI chat-completions wire protocol (JSON and SSE, as openai-node 6
 * reads them), so the real SDK is exercised without reaching the internet.
 * Unit tests script it with `enqueue`; end-to-end tests rely on the default answer, which echoes the request so they
 * can assert that history was sent: `回答：<last user message>（共 <n> 条消息）`. A multimodal last message is echoed as
 * its text parts with `[图片]` for each image. Every request body is kept in `requests`, so tests can assert the model
 * and the content parts that were sent. A request to any other path than /v1/chat/completions (a base URL without
 * /v1, say) gets a plain 404 like OpenAI's "Invalid URL" answer.
 */
export type FakeReply =
  | {
      text: string;
      /**
       * How many SSE content deltas the text is cut into (streamed requests only); default up to 3. The cuts fall
       * anywhere, mid-tag included, so a `<think>…</think>` in the text tests the adapter's stripping.
       */
      chunks?: number;
      /** Wait before the response headers. */
      delayMs?: number;
      /** Wait between SSE events. */
      chunkDelayMs?: number;
      /** Sent before the text as `reasoning_content` (DeepSeek-R1, Qwen3 on DashScope), with `content` null. */
      reasoning?: string;
      /** How many SSE deltas the reasoning is cut into (streamed requests only); default 1. */
      reasoningChunks?: number;
      /** The field the reasoning travels in; newer vLLM and Ollama call it `reasoning`. Default `reasoning_content`. */
      reasoningField?: 'reasoning_content' | 'reasoning';
      /** Streamed requests only: destroy the socket after this many content deltas. */
      dropAfterChunks?: number;
      model?: string;
      finishReason?: string;
      /** Compress the answer, as a gateway may; a stream is flushed after each event, so it still comes in pieces. */
      contentEncoding?: ContentEncoding;
    }
  | { status: number; error?: FakeErrorBody; headers?: Record<string, string> }
  /** A huge body generated as it is sent, or a gzip bomb, with this status (an error page, or a 200 "completion"). */
  | { status: number; oversized: OversizedBody; contentType?: string }
  /** Accepts the request and stays silent this long, then answers with the default responder. */
  | { hangMs: number }
  | { dropConnection: true }
  /** Anything else on the wire, for malformed responses. */
  | { raw: string; status?: number; contentType?: string };

export type ContentEncoding = 'gzip' | 'deflate' | 'br';

export interface FakeErrorBody {
  message: string;
  type?: string;
  code?: string | null;
}

export interface FakeRequest {
  apiKey: string;
  body: any;
}

export interface FakeOpenAiOptions {
  respond?: (request: FakeRequest) => FakeReply | Promise<FakeReply>;
  /** When given, other bearer keys get OpenAI's 401 `invalid_api_key` error (and do not consume the queue). */
  apiKeys?: readonly string[];
  /** When given, other models get OpenAI's 404 `model_not_found` error; also what GET /v1/models lists. */
  models?: readonly string[];
  /** Serve HTTPS with this key and certificate (test-tls.ts) instead of plain HTTP. */
  tls?: { key: string; cert: string };
}

export interface FakeOpenAi {
  /** `http://127.0.0.1:<port>/v1` (https: with `tls`), ready for the SDK's `baseURL`. */
  baseURL: string;
  /** Every chat-completions request, in arrival order. */
  requests: FakeRequest[];
  /** For each oversized reply sent, the bytes written before it ended or the client went away. */
  oversizedSent: number[];
  /** Replies used, first in first out, before the default responder. */
  enqueue(...replies: FakeReply[]): void;
  close(): Promise<void>;
}

export function defaultAnswer(body: any): string {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  const lastUser = [...messages].reverse().find((message) => message?.role === 'user');
  return `回答：${textOf(lastUser?.content)}（共 ${messages.length} 条消息）`;
}

/** A message's content as text: a string as is, content parts as their text with `[图片]` for each image. */
function textOf(content: unknown): string {
  if (!Array.isArray(content)) return String(content ?? '');
  return content.map((part: any) => (part?.type === 'image_url' ? '[图片]' : String(part?.text ?? ''))).join('');
}

export async function startFakeOpenAi(options: FakeOpenAiOptions = {}): Promise<FakeOpenAi> {
  const requests: FakeRequest[] = [];
  const oversizedSent: number[] = [];
  const queue: FakeReply[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const wait: Wait = (ms, res) =>
    new Promise((resolve) => {
      // The close listener goes when the wait ends, so a long stream does not pile one up per delta.
      const onClose = (): void => {
        clearTimeout(timer);
        timers.delete(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        timers.delete(timer);
        res.off('close', onClose);
        resolve(!res.destroyed);
      }, ms);
      timers.add(timer);
      res.once('close', onClose);
    });
  const fallback = (request: FakeRequest): FakeReply | Promise<FakeReply> =>
    options.respond ? options.respond(request) : { text: defaultAnswer(request.body) };

  const listener: RequestListener = (req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else sendError(res, 500, { message: `fake-openai crashed: ${String(error)}`, type: 'server_error' });
    });
  };
  const server = options.tls ? createHttpsServer(options.tls, listener) : createServer(listener);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const apiKey = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const text = await readBody(req);
    if (req.method === 'GET' && url.pathname === '/v1/models') {
      if (!authorised(apiKey)) return sendError(res, 401, invalidKey(apiKey));
      const ids = options.models ?? ['fake-model'];
      const data = ids.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' }));
      return sendJson(res, 200, { object: 'list', data });
    }
    if (req.method !== 'POST' || url.pathname !== '/v1/chat/completions') {
      const message = `Unknown request URL: ${req.method} ${url.pathname}`;
      return sendError(res, 404, { message, type: 'invalid_request_error', code: 'unknown_url' });
    }
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      const message = 'We could not parse the JSON body of your request.';
      return sendError(res, 400, { message, type: 'invalid_request_error' });
    }
    const request = { apiKey, body };
    requests.push(request);
    if (!authorised(apiKey)) return sendError(res, 401, invalidKey(apiKey));
    if (options.models && !options.models.includes(body?.model)) {
      const message = `The model \`${String(body?.model)}\` does not exist or you do not have access to it.`;
      return sendError(res, 404, { message, type: 'invalid_request_error', code: 'model_not_found' });
    }
    const reply = queue.shift() ?? (await fallback(request));
    await play(reply, request, res);
  }

  async function play(reply: FakeReply, request: FakeRequest, res: ServerResponse): Promise<void> {
    if ('hangMs' in reply) {
      if (await wait(reply.hangMs, res)) await play(await fallback(request), request, res);
      return;
    }
    if ('dropConnection' in reply) {
      res.socket?.destroy();
      return;
    }
    if ('oversized' in reply) {
      oversizedSent.push(await sendOversized(res, reply.status, reply.oversized, reply.contentType));
      return;
    }
    if ('raw' in reply) {
      res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'application/json' });
      res.end(reply.raw);
      return;
    }
    if ('status' in reply) {
      return sendError(res, reply.status, reply.error ?? defaultError(reply.status), reply.headers);
    }
    if (reply.delayMs !== undefined && !(await wait(reply.delayMs, res))) return;
    if (request.body?.stream === true) await stream(reply, request.body, res, wait);
    else sendJson(res, 200, completion(reply, request.body), {}, reply.contentEncoding);
  }

  function authorised(apiKey: string): boolean {
    return options.apiKeys === undefined || options.apiKeys.includes(apiKey);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/v1`,
    requests,
    oversizedSent,
    enqueue: (...replies) => void queue.push(...replies),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type TextReply = Extract<FakeReply, { text: string }>;
type Wait = (ms: number, res: ServerResponse) => Promise<boolean>;
type HeaderMap = Record<string, string>;

function completion(reply: TextReply, body: any) {
  const message = {
    role: 'assistant',
    content: reply.text,
    refusal: null,
    ...(reply.reasoning !== undefined && { [reply.reasoningField ?? 'reasoning_content']: reply.reasoning }),
  };
  return {
    ...envelope('chat.completion', reply, body),
    choices: [{ index: 0, message, logprobs: null, finish_reason: reply.finishReason ?? 'stop' }],
    usage: usage(reply, body),
  };
}

async function stream(reply: TextReply, body: any, res: ServerResponse, wait: Wait): Promise<void> {
  const encoding = reply.contentEncoding;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    ...(encoding !== undefined && { 'content-encoding': encoding }),
  });
  const encoder = encoding === undefined ? undefined : ENCODERS[encoding]();
  encoder?.pipe(res);
  const out: Writable = encoder ?? res;
  const head = envelope('chat.completion.chunk', reply, body);
  const chunk = (delta: object, finishReason: string | null = null) => ({
    ...head,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  });
  const deltas: object[] = split(reply.text, reply.chunks ?? 3).map((piece) => chunk({ content: piece }));
  const events: object[] = [
    chunk({ role: 'assistant', content: '' }),
    ...split(reply.reasoning ?? '', reply.reasoningChunks ?? 1).map((piece) =>
      chunk({ content: null, [reply.reasoningField ?? 'reasoning_content']: piece }),
    ),
    ...deltas,
    chunk({}, reply.finishReason ?? 'stop'),
    ...(body?.stream_options?.include_usage === true ? [{ ...head, choices: [], usage: usage(reply, body) }] : []),
  ];
  for (const event of events) {
    if (reply.chunkDelayMs !== undefined && !(await wait(reply.chunkDelayMs, res))) return;
    const data = `data: ${JSON.stringify(event)}\n\n`;
    if (reply.dropAfterChunks !== undefined && deltas.indexOf(event) === reply.dropAfterChunks - 1) {
      // Flush what was written first, as a real mid-stream crash would have, then cut the socket without [DONE].
      out.write(data, () => (encoder ? encoder.flush(() => res.socket?.destroy()) : res.socket?.destroy()));
      return;
    }
    out.write(data);
    encoder?.flush();
  }
  out.end('data: [DONE]\n\n');
}

function envelope(object: string, reply: TextReply, body: any) {
  const model = reply.model ?? String(body?.model ?? 'fake-model');
  return { id: 'chatcmpl-fake', object, created: 1_700_000_000, model, system_fingerprint: null };
}

/** Deterministic "tokens": one per character, so tests can predict the numbers. */
function usage(reply: TextReply, body: any) {
  const messages: any[] = Array.isArray(body?.messages) ? body.messages : [];
  const count = (text: unknown): number => Array.from(String(text ?? '')).length;
  const promptTokens = messages.reduce((sum: number, message) => sum + count(textOf(message?.content)), 0);
  const completionTokens = count(reply.text);
  const total = promptTokens + completionTokens;
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: total };
}

/** Cuts by code point so a CJK character or an emoji is never split across deltas. */
function split(text: string, count: number): string[] {
  const chars = Array.from(text);
  const size = Math.max(1, Math.ceil(chars.length / Math.max(1, count)));
  const pieces: string[] = [];
  for (let index = 0; index < chars.length; index += size) pieces.push(chars.slice(index, index + size).join(''));
  return pieces;
}

function defaultError(status: number): FakeErrorBody {
  if (status === 429) {
    return { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' };
  }
  if (status >= 500) {
    return { message: 'The server had an error while processing your request.', type: 'server_error', code: null };
  }
  return { message: `fake error ${status}`, type: 'invalid_request_error', code: null };
}

function invalidKey(apiKey: string): FakeErrorBody {
  // Like OpenAI: only a masked hint of the key, never the key itself.
  const hint = apiKey.length > 8 ? `${apiKey.slice(0, 3)}***${apiKey.slice(-2)}` : '***';
  return { message: `Incorrect API key provided: ${hint}.`, type: 'invalid_request_error', code: 'invalid_api_key' };
}

function sendError(res: ServerResponse, status: number, error: FakeErrorBody, headers: HeaderMap = {}): void {
  const body = { message: error.message, type: error.type ?? null, param: null, code: error.code ?? null };
  sendJson(res, status, { error: body }, headers);
}

const ENCODERS = { gzip: createGzip, deflate: createDeflate, br: createBrotliCompress };
const ENCODE_SYNC = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync };

function sendJson(res: ServerResponse, status: number, payload: unknown, headers: HeaderMap = {}, encoding?: ContentEncoding): void {
  const text = Buffer.from(JSON.stringify(payload));
  const body = encoding === undefined ? text : ENCODE_SYNC[encoding](text);
  const encoded = encoding === undefined ? {} : { 'content-encoding': encoding };
  res.writeHead(status, { ...headers, ...encoded, 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}
