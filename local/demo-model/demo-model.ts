import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as v from 'valibot';
import { DEMO_FAILURES, type DemoFailure } from '../playground/playground-api';
import { readBody } from '../read-body';
import { demoAnswer } from './demo-answer';
import { DemoRequestSchema } from './demo-request';
import { streamAnswer, type Pacing } from './demo-stream';
import { completionBody, demoUsage, errorBody } from './demo-wire';

/**
 * A deterministic local model on 127.0.0.1 that speaks OpenAI's chat-completions protocol (JSON and SSE), so a
 * newcomer can try the robot, its cards and its long answers without a key. It stages failures on demand, each
 * answered as OpenAI answers it, so the user-facing error texts can be seen too.
 */
export interface DemoModelOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Pause between two streamed deltas; default 30 ms. */
  chunkDelayMs?: number;
  /** Characters (code points) per streamed delta; default 6. */
  chunkChars?: number;
}

export interface DemoModel {
  /** Base URL including /v1, for OPENAI_BASE_URL. */
  url: string;
  /** 'demo'. */
  model: string;
  /** Staged for every later request until set back to 'none'. */
  setFailure(failure: DemoFailure): void;
  failure(): DemoFailure;
  /** Chat-completion requests received so far, failed ones included (a retry after a 503 counts twice). */
  requests(): number;
  /** Stops listening and closes every connection, a request held by 'timeout' included. */
  close(): Promise<void>;
}

export const DEMO_MODEL_NAME = 'demo';
// Pictures travel inside the request as base64 data URLs (the worker allows up to 64 MB of them).
const MAX_BODY_BYTES = 96 * 1024 * 1024;
const NO_KEY =
  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).";

export async function startDemoModel(options: DemoModelOptions = {}): Promise<DemoModel> {
  const pacing: Pacing = { chunkDelayMs: options.chunkDelayMs ?? 30, chunkChars: Math.max(1, options.chunkChars ?? 6) };
  let failure: DemoFailure = 'none';
  let requests = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://demo').pathname;
    const route = `${req.method ?? ''} ${path}`;
    const raw = await readBody(req, MAX_BODY_BYTES);
    if (route !== 'POST /v1/chat/completions' && route !== 'GET /v1/models') {
      return sendJson(res, 404, errorBody(`Invalid URL (${route})`, 'invalid_request_error'));
    }
    // Any key will do; what matters is that the client sends one, as it must to a real provider.
    const key = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '')?.[1];
    if (key === undefined) return sendJson(res, 401, errorBody(NO_KEY, 'invalid_request_error'));
    if (route === 'POST /v1/chat/completions') requests += 1;
    if (failure === 'wrong-key') {
      return sendJson(res, 401, errorBody(`Incorrect API key provided: ${keyHint(key)}.`, 'invalid_request_error', 'invalid_api_key'));
    }
    if (failure === 'down') return sendJson(res, 503, errorBody('The server is overloaded or not ready yet.', 'server_error'));
    // Accepted and never answered, not even the headers, until the client gives up or close() ends the socket.
    if (failure === 'timeout') return;
    if (route === 'GET /v1/models') {
      return sendJson(res, 200, { object: 'list', data: [{ id: DEMO_MODEL_NAME, object: 'model', created: 0, owned_by: 'local-demo' }] });
    }
    if (raw === undefined) return sendJson(res, 413, errorBody('The request body is too large.', 'invalid_request_error'));
    const parsed = v.safeParse(DemoRequestSchema, parseJson(raw.toString('utf8')));
    if (!parsed.success) {
      const message = `Invalid chat completions request: ${v.summarize(parsed.issues).split('\n')[0] ?? ''}`;
      return sendJson(res, 400, errorBody(message, 'invalid_request_error'));
    }
    const request = parsed.output;
    const answer = demoAnswer(request.messages);
    const head = { id: `chatcmpl-demo-${requests}`, created: Math.floor(Date.now() / 1000), model: request.model };
    const usage = demoUsage(request.messages, answer);
    if (request.stream !== true) return sendJson(res, 200, completionBody(head, answer, usage));
    await streamAnswer(res, { head, answer, usage, includeUsage: request.stream_options?.include_usage === true }, pacing);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, errorBody(`The demo model failed: ${String(error)}`, 'server_error'));
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/v1`,
    model: DEMO_MODEL_NAME,
    setFailure(next) {
      if (!DEMO_FAILURES.includes(next)) throw new Error(`unknown demo failure: ${String(next)}`);
      failure = next;
    },
    failure: () => failure,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Like OpenAI: a hint of the key, never the key itself. */
function keyHint(key: string): string {
  return key.length > 8 ? `${key.slice(0, 3)}${'*'.repeat(key.length - 5)}${key.slice(-2)}` : '***';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  const body = Buffer.from(JSON.stringify(payload));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
}
