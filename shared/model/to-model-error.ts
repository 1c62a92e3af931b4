import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { ModelError, type ModelErrorCode } from '../errors';

/**
 * The one place that decides what a failed model call means. Everything the openai SDK, undici or our own code can
 * throw comes through here, so the worker only ever sees a ModelError with a stable code.
 */
export interface ToModelErrorOptions {
  /** Values (the API keys) to blank out of provider messages: some gateways echo the key they refused. */
  secrets?: readonly string[];
  /** The request tried, as `POST https://host/path` (no key, no query), named when the path was not found. */
  endpoint?: string;
}

const MASK = '[REDACTED]';
// Provider bodies can be whole HTML error pages from a gateway; the head is enough to diagnose.
const MAX_PROVIDER_MESSAGE = 300;
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

export function toModelError(error: unknown, options: ToModelErrorOptions = {}): ModelError {
  if (error instanceof ModelError) return error;
  const scrub = (text: string): string => scrubSecrets(text, options.secrets ?? []);

  if (error instanceof APIUserAbortError || isAbortError(error)) {
    return new ModelError('MODEL_TIMEOUT', 'model call was aborted before it finished', undefined, { cause: error });
  }
  if (error instanceof APIConnectionTimeoutError) {
    return new ModelError('MODEL_TIMEOUT', 'model did not answer in time', undefined, { cause: error });
  }
  if (error instanceof APIConnectionError || networkCode(error) !== undefined) {
    const reason = scrub(deepestMessage(error));
    return new ModelError('MODEL_UNREACHABLE', `model endpoint unreachable: ${reason}`, undefined, { cause: error });
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    // No `cause` here: the SDK error's message carries the unscrubbed provider text, and loggers print causes.
    const requestId = error.requestID ? ` (request id ${error.requestID})` : '';
    const code = error.status === 404 ? codeForNotFound(error) : codeForStatus(error.status);
    const hint =
      code === 'MODEL_ENDPOINT_NOT_FOUND'
        ? `; ${options.endpoint ?? 'the chat completions path'} does not exist: check OPENAI_BASE_URL (usually a missing /v1)`
        : code === 'MODEL_UNKNOWN'
          ? '; check the model name in OPENAI_MODEL / OPENAI_MODELS'
          : redirectHint(error);
    const message = `model HTTP ${error.status}: ${scrub(providerMessage(error))}${requestId}${hint}`;
    return new ModelError(code, message, error.status);
  }
  if (error instanceof APIError) {
    // An `error` event inside an SSE stream: the provider failed after it had answered 200.
    return new ModelError('MODEL_SERVER', `model stream reported an error: ${scrub(providerMessage(error))}`);
  }
  const detail = String(causeChain(error)[0]?.message ?? error);
  return new ModelError('MODEL_SERVER', `malformed model response: ${scrub(truncate(detail))}`);
}

function codeForStatus(status: number): ModelErrorCode {
  // 402 is DeepSeek's "Insufficient Balance": an account problem that another key may not have, like 401/403.
  if (status === 401 || status === 402 || status === 403) return 'MODEL_AUTH';
  if (status === 429) return 'MODEL_RATE_LIMIT';
  if (status === 408) return 'MODEL_TIMEOUT';
  if (status >= 500) return 'MODEL_SERVER';
  // 400 context too long / content filter, 404 unknown model, 413, 422 …: this request will never succeed as sent.
  if (status >= 400) return 'MODEL_REJECTED';
  return 'MODEL_SERVER';
}

/**
 * A 404 is about the model when the provider says so: OpenAI's code `model_not_found`, or a message naming the
 * model as missing (vLLM "The model `x` does not exist", Ollama "model 'x' not found"). Any other 404 means the URL
 * has no chat completions endpoint.
 */
function codeForNotFound(error: APIError): ModelErrorCode {
  if (error.code === 'model_not_found') return 'MODEL_UNKNOWN';
  const text = providerMessage(error);
  return /\bmodel\b/i.test(text) && /not (?:be )?found|does not exist|not exist/i.test(text) ? 'MODEL_UNKNOWN' : 'MODEL_ENDPOINT_NOT_FOUND';
}

/**
 * A redirect is not followed (it would carry the key and the conversation on, node-http-fetch.ts), so the base URL
 * must be the final one; the target's origin and path say which, its query (which may be signed) is left out.
 */
function redirectHint(error: APIError): string {
  if (error.status === undefined || error.status < 300 || error.status >= 400) return '';
  const location = error.headers?.get('location') ?? '';
  let target = '';
  try {
    const url = new URL(location);
    target = ` to ${url.origin}${url.pathname}`;
  } catch {
    // A relative or missing Location names no other host; the status alone says what happened.
  }
  return `; the endpoint redirects${target}, which is not followed: set OPENAI_BASE_URL to the final address`;
}

function providerMessage(error: APIError): string {
  const body: unknown = error.error;
  if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string') {
    return truncate(body.message);
  }
  // Without a JSON body the SDK puts "<status> <raw text>" in its message.
  const raw = error.message.replace(/^\d{3} /, '');
  return truncate(raw === 'status code (no body)' ? 'no body' : raw);
}

function scrubSecrets(text: string, secrets: readonly string[]): string {
  const withoutKeys = secrets.reduce((out, secret) => (secret === '' ? out : out.split(secret).join(MASK)), text);
  return withoutKeys.replace(/(Bearer\s+)\S+/gi, `$1${MASK}`);
}

function truncate(text: string): string {
  return text.length > MAX_PROVIDER_MESSAGE ? `${text.slice(0, MAX_PROVIDER_MESSAGE)}…` : text;
}

function isAbortError(error: unknown): boolean {
  const name: unknown = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return name === 'AbortError' || name === 'TimeoutError';
}

/** undici wraps the socket error: TypeError('fetch failed' | 'terminated') → cause with a `code`. */
function networkCode(error: unknown): string | undefined {
  return causeChain(error)
    .map((link) => link.code)
    .find((code): code is string => typeof code === 'string' && NETWORK_CODES.has(code));
}

function deepestMessage(error: unknown): string {
  const messages = causeChain(error)
    .map((link) => link.message)
    .filter((text) => typeof text === 'string' && text !== '');
  const message = String(messages.at(-1) ?? error);
  const code = networkCode(error);
  return code !== undefined && !message.includes(code) ? `${message} (${code})` : message;
}

/**
 * The error and its causes, read structurally: undici's errors come from Node's own realm, so under jest (and any
 * vm context) they are not `instanceof Error` here.
 */
function causeChain(error: unknown): Array<{ message?: unknown; code?: unknown }> {
  const chain: Array<{ message?: unknown; code?: unknown; cause?: unknown }> = [];
  for (let current: unknown = error; typeof current === 'object' && current !== null && chain.length < 5; ) {
    const link = current as { message?: unknown; code?: unknown; cause?: unknown };
    chain.push(link);
    current = link.cause;
  }
  return chain;
}
