import OpenAI from 'openai';
import { ModelError } from '../errors';
import type { Logger } from '../logging/logger';
import { retry } from '../retry/retry-policy';
import { createBoundedFetch } from './bounded-fetch';
import type { ChatCompletion, ChatMessage, ChatModel, ChatRequest, ChatUsage, StreamProgress } from './chat-model';
import { createStreamAccumulator } from './stream-accumulator';
import { toModelError } from './to-model-error';

export { toModelError } from './to-model-error';

/**
 * ChatModel over any OpenAI-compatible chat-completions endpoint (OpenAI, Azure OpenAI v1, DeepSeek, DashScope
 * compatible-mode, vLLM, Ollama). Reasoning, wherever the provider puts it, is kept apart from the answer
 * (stream-accumulator.ts).
 *
 * Retries are ours, not the SDK's (maxRetries 0), because only we know the FC time budget:
 * - 401/402/403/429 move on to the next key, each key at most once per call; the key that last worked is tried first
 *   by later calls in this warm instance.
 * - A connection failure or 5xx is retried once on the same key after RETRY_DELAY_MS, but only if no answer or
 *   reasoning was passed to onProgress yet (it must only ever see growing text) and the budget left is longer than the
 *   failed attempt took. It is not a key problem, so other keys are not tried.
 * - Everything else (400/404/422, timeouts, empty completions) fails at once.
 *
 * Every answer is read through createBoundedFetch (bounded-fetch.ts), so none is held in memory unbounded.
 */
export interface OpenAiChatModelOptions {
  baseURL: string;
  /** At least one; several let the bot ride over a revoked or rate-limited key. */
  apiKeys: readonly string[];
  /** The default; a request's `model` overrides it. */
  model: string;
  temperature?: number;
  /** Sent as `max_tokens`, which every compatible provider accepts (unlike `max_completion_tokens`). */
  maxTokens?: number;
  /** The transport under the bounds; the built-in fetch by default, the worker passes node-http-fetch.ts. */
  fetch?: typeof fetch;
  logger: Logger;
}

const RETRY_DELAY_MS = 250;
const SDK_TIMEOUT_MARGIN_MS = 1000;
type Deadline = ReturnType<typeof startDeadline>;

export function createOpenAiChatModel(options: OpenAiChatModelOptions): ChatModel {
  const { apiKeys, logger } = options;
  if (apiKeys.length === 0 || apiKeys.some((key) => key.trim() === '')) {
    throw new ModelError('MODEL_NOT_CONFIGURED', 'at least one non-empty model API key is required');
  }
  const errorOptions = { secrets: apiKeys, endpoint: `POST ${completionsUrl(options.baseURL)}` };
  const sdkLogger = {
    error: (message: string, ...details: unknown[]) => logger.error(`openai sdk: ${message}`, { details }),
    warn: (message: string, ...details: unknown[]) => logger.warn(`openai sdk: ${message}`, { details }),
    info: () => undefined,
    debug: () => undefined,
  };
  const boundedFetch = createBoundedFetch(options.fetch ?? fetch);
  const clients: OpenAI[] = apiKeys.map(
    (apiKey) =>
      new OpenAI({
        apiKey,
        baseURL: options.baseURL,
        maxRetries: 0,
        // null, not undefined: never pick up OPENAI_ORG_ID / OPENAI_PROJECT_ID from the FC environment.
        organization: null,
        project: null,
        fetch: boundedFetch,
        logger: sdkLogger,
        logLevel: 'warn',
      }),
  );
  let preferred = 0;

  async function attempt(client: OpenAI, request: ChatRequest, deadline: Deadline, progress: { streamed: boolean }) {
    const model = request.model ?? options.model;
    const body = {
      model,
      messages: request.messages.map(toOpenAiMessage),
      ...(options.temperature !== undefined && { temperature: options.temperature }),
      ...(options.maxTokens !== undefined && { max_tokens: options.maxTokens }),
    };
    // The deadline signal is the bound (it also covers a streamed body, which the SDK's timeout does not). The SDK's
    // timeout is only a backstop, set later so it never wins the race and turns a timeout into "Connection error".
    const timeout = Math.max(1, deadline.remaining()) + SDK_TIMEOUT_MARGIN_MS;
    const requestOptions = { signal: deadline.signal, timeout };
    const collected = createStreamAccumulator();
    const { onProgress } = request;
    if (onProgress === undefined) {
      const completion = await client.chat.completions.create({ ...body, stream: false }, requestOptions);
      const choice = completion?.choices?.[0];
      collected.add(choice?.message);
      return finish(collected.result(), completion?.model || model, toUsage(completion?.usage), choice?.finish_reason);
    }
    const stream = await client.chat.completions.create(
      { ...body, stream: true, stream_options: { include_usage: true } },
      requestOptions,
    );
    let answeredBy = model;
    let usage: ChatUsage | undefined;
    let finishReason: string | null | undefined;
    for await (const chunk of stream) {
      if (chunk.model) answeredBy = chunk.model;
      usage = toUsage(chunk.usage) ?? usage;
      const choice = chunk.choices?.[0];
      finishReason = choice?.finish_reason ?? finishReason;
      const grown = collected.add(choice?.delta);
      if (grown === undefined) continue;
      progress.streamed = true;
      try {
        onProgress(grown);
      } catch (error) {
        // A failed card update must not cost the user the answer; the final text is still returned.
        logger.warn('onProgress callback threw; streaming continues', { error });
      }
    }
    // The SDK ends an aborted stream quietly instead of throwing.
    if (deadline.signal.aborted) throw deadline.signal.reason;
    return finish(collected.result(), answeredBy, usage, finishReason);
  }

  function finish(
    { answer, reasoning }: StreamProgress,
    model: string,
    usage: ChatUsage | undefined,
    finishReason: unknown,
  ): ChatCompletion {
    if (answer.trim() === '') {
      // Typically a reasoning model that ran out of max_tokens while still thinking (finish_reason length).
      const why = reasoning === '' ? '' : '; the model only produced reasoning';
      const message = `model returned an empty completion (finish_reason ${String(finishReason)})${why}`;
      throw new ModelError('MODEL_SERVER', message);
    }
    return { text: answer, ...(reasoning !== '' && { reasoning }), model, ...(usage !== undefined && { usage }) };
  }

  /** A transient failure is tried once more on the same key, unless the user saw text or the budget cannot cover it. */
  function attemptWithOneRetry(keyIndex: number, request: ChatRequest, deadline: Deadline) {
    const client = clients[keyIndex] as OpenAI;
    let progress = { streamed: false };
    return retry({
      attempt: async () => {
        progress = { streamed: false };
        try {
          return await attempt(client, request, deadline, progress);
        } catch (thrown) {
          throw toModelError(deadline.signal.aborted ? deadline.signal.reason : thrown, errorOptions);
        }
      },
      isRetryable: (error) =>
        !progress.streamed && error instanceof ModelError &&
        (error.code === 'MODEL_UNREACHABLE' || (error.code === 'MODEL_SERVER' && (error.status ?? 0) >= 500)),
      maxAttempts: 2,
      giveUpAtMs: deadline.endsAt,
      reserveLastAttemptTime: true,
      backoff: { baseMs: RETRY_DELAY_MS, capMs: RETRY_DELAY_MS },
      onRetry: ({ error }) => {
        const { code, status } = error as ModelError;
        logger.warn('model call failed; retrying once on the same key', { keyIndex, code, status });
      },
      sleep: (ms) => sleep(ms, deadline.signal),
    });
  }

  return {
    async complete(request) {
      const deadline = startDeadline(request.timeoutMs, request.signal);
      const startedAt = Date.now();
      const timed = timeFirstToken(request, startedAt);
      try {
        for (let offset = 0; offset < clients.length; offset++) {
          const keyIndex = (preferred + offset) % clients.length;
          try {
            const completion = await attemptWithOneRetry(keyIndex, timed.request, deadline);
            preferred = keyIndex;
            const firstTokenMs = timed.firstTokenMs();
            logger.info('model call completed', {
              model: completion.model, keyIndex, streamed: request.onProgress !== undefined,
              durationMs: Date.now() - startedAt, ...(firstTokenMs !== undefined && { firstTokenMs }), usage: completion.usage,
            });
            return completion;
          } catch (thrown) {
            const error = toModelError(thrown, errorOptions);
            const keyProblem = error.code === 'MODEL_AUTH' || error.code === 'MODEL_RATE_LIMIT';
            if (!keyProblem || offset === clients.length - 1) throw error;
            const fields = { keyIndex, code: error.code, status: error.status };
            logger.warn('model key refused; trying the next key', fields);
          }
        }
        throw new ModelError('MODEL_NOT_CONFIGURED', 'no model API key to try'); // unreachable: apiKeys is non-empty
      } finally {
        deadline.dispose();
      }
    },
  };
}

/**
 * How long the user waited for the first answer text of a streamed call (reasoning does not count: the user does not
 * see it as the answer), from the start of the whole call, so a retry or a refused key is part of the wait.
 */
function timeFirstToken(request: ChatRequest, startedAt: number): { request: ChatRequest; firstTokenMs: () => number | undefined } {
  const { onProgress } = request;
  if (onProgress === undefined) return { request, firstTokenMs: () => undefined };
  let firstTokenMs: number | undefined;
  const timedProgress = (progress: StreamProgress): void => {
    if (firstTokenMs === undefined && progress.answer !== '') firstTokenMs = Date.now() - startedAt;
    onProgress(progress);
  };
  return { request: { ...request, onProgress: timedProgress }, firstTokenMs: () => firstTokenMs };
}

/** Where the SDK sends the request, for the log of a 404; userinfo and query are left out, keys are never in it. */
function completionsUrl(baseURL: string): string {
  try {
    const url = new URL(baseURL);
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}/chat/completions`;
  } catch {
    return `${baseURL.replace(/\/+$/, '')}/chat/completions`;
  }
}

/** One AbortSignal for the whole call: the budget running out or the caller aborting, whichever comes first. */
function startDeadline(timeoutMs: number, callerSignal: AbortSignal | undefined) {
  const controller = new AbortController();
  const endsAt = Date.now() + timeoutMs;
  // The abort reason is already the ModelError to throw, so whatever the SDK throws on abort is replaced by it.
  const expire = () =>
    controller.abort(new ModelError('MODEL_TIMEOUT', `model call exceeded its ${timeoutMs} ms budget`));
  const cancel = () => controller.abort(new ModelError('MODEL_TIMEOUT', 'model call was aborted by the caller'));
  const timer = setTimeout(expire, Math.max(0, timeoutMs));
  if (callerSignal?.aborted) cancel();
  else callerSignal?.addEventListener('abort', cancel, { once: true });
  if (!(timeoutMs > 0)) expire();
  return {
    signal: controller.signal,
    endsAt,
    remaining: () => endsAt - Date.now(),
    dispose: () => {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', cancel);
    },
  };
}

/**
 * Only user messages may carry images (the API rejects image parts elsewhere), so system and assistant parts are
 * flattened to their text.
 */
function toOpenAiMessage({ role, content }: ChatMessage): OpenAI.Chat.ChatCompletionMessageParam {
  if (typeof content === 'string') return { role, content };
  if (role !== 'user') {
    const text = content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
    return { role, content: text };
  }
  const parts = content.map((part): OpenAI.Chat.ChatCompletionContentPart =>
    part.type === 'text' ? { type: 'text', text: part.text } : { type: 'image_url', image_url: { url: part.dataUrl } },
  );
  return { role, content: parts };
}

function toUsage(usage: unknown): ChatUsage | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  const { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: totalTokens } =
    usage as Record<string, unknown>;
  if (typeof promptTokens !== 'number' || typeof completionTokens !== 'number') return undefined;
  const total = typeof totalTokens === 'number' ? totalTokens : promptTokens + completionTokens;
  return { promptTokens, completionTokens, totalTokens: total };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
