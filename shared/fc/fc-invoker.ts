import { randomBytes } from 'node:crypto';
import type { Agent } from 'node:http';
import { InvokeError } from '../errors';
import { boundedRequest, type BoundedReply } from '../http/bounded-request';
import { networkReason } from '../http/network-reason';
import { retry } from '../retry/retry-policy';
import { FC_API_VERSION, formatAcsDate, signInvokeRequest } from './acs3-signer';
import type { FcCredentials } from './context';

/**
 * InvokeFunction (FC 3.0) with x-fc-invocation-type Async, signed by our own ACS3 signer. The official SDK costs ~1 MB
 * and ~160 ms to load and `fetch` ~27 ms (undici) on first use; node:http(s) are already in the binary's snapshot.
 */
export interface FcInvokerOptions {
  /** `https://<accountId>.<region>.fc.aliyuncs.com`, or `http://127.0.0.1:<port>` for the local server. */
  endpoint: string;
  functionName: string;
  qualifier?: string;
  credentials: FcCredentials;
  /** Budget for the whole call, connection and the one retry included. */
  timeoutMs: number;
  now?: () => Date;
  nonce?: () => string;
  /** Defaults to Node's global agent, which keeps connections alive across invocations of a warm instance. */
  agent?: Agent;
}

export interface InvokeOptions {
  /**
   * x-fc-async-task-id (FC task mode): FC refuses a second submission of the same id with 409, so a retry or a
   * DingTalk redelivery of one message can never run the worker twice.
   */
  taskId?: string;
}

export interface InvokeOutcome {
  requestId: string;
  /** FC answered 409 to the task id: this event was submitted before (by our own retry or an earlier delivery). */
  duplicate: boolean;
  attempts: number;
}

export interface FcInvoker {
  invokeAsync(payload: string, options?: InvokeOptions): Promise<InvokeOutcome>;
}

const MAX_BODY_BYTES = 16 * 1024;
const MAX_ATTEMPTS = 2;
/** FC's documented rule for x-fc-async-task-id (docs/platform-limits.md). */
export const TASK_ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;

/** What a route needs of the worker: an asynchronous invocation with a task id (the FC invoker, or a test's stand-in). */
export interface AsyncInvoker {
  invokeAsync(payload: string, options: InvokeOptions): Promise<InvokeOutcome>;
}

export function createFcInvoker(options: FcInvokerOptions): FcInvoker {
  const { functionName, qualifier, credentials, timeoutMs } = options;
  const now = options.now ?? (() => new Date());
  const nonce = options.nonce ?? (() => randomBytes(16).toString('hex'));
  const url = parseEndpoint(options.endpoint);
  const path = `/${FC_API_VERSION}/functions/${encodeURIComponent(functionName)}/invocations`;
  const query: Record<string, string> = qualifier === undefined ? {} : { qualifier };
  const target = qualifier === undefined ? path : `${path}?qualifier=${encodeURIComponent(qualifier)}`;
  const describe = `InvokeFunction ${functionName}${qualifier === undefined ? '' : `:${qualifier}`}`;

  function send(body: Buffer, signal: AbortSignal, taskId: string | undefined): Promise<BoundedReply> {
    const extra: Record<string, string> = { 'x-fc-invocation-type': 'Async', ...(taskId ? { 'x-fc-async-task-id': taskId } : {}) };
    const headers = signInvokeRequest({
      method: 'POST', host: url.host, path, query, body, credentials, date: formatAcsDate(now()), nonce: nonce(), headers: extra,
    });
    return boundedRequest({
      url, method: 'POST', path: target, headers, body, signal, maxBodyBytes: MAX_BODY_BYTES,
      ...(options.agent ? { agent: options.agent } : {}),
    });
  }

  /** A 202, a 409 to our task id, or an InvokeError (with the status when FC answered). */
  async function submit(body: Buffer, signal: AbortSignal, taskId: string | undefined, attemptNumber: number) {
    let reply: BoundedReply;
    try {
      reply = await send(body, signal, taskId);
    } catch (error) {
      throw new InvokeError(`${describe} failed: ${networkReason(error)}`, undefined, { cause: error });
    }
    const requestId = typeof reply.headers['x-fc-request-id'] === 'string' ? reply.headers['x-fc-request-id'] : '';
    // A 202 without x-fc-request-id is still an accepted invocation; the id only serves the logs.
    if (reply.status === 202) return { requestId, duplicate: false, attempts: attemptNumber };
    if (reply.status === 409 && taskId !== undefined) return { requestId, duplicate: true, attempts: attemptNumber };
    const reason = fcReason(reply.body.toString('utf8'), credentials);
    throw new InvokeError(`${describe} failed: HTTP ${reply.status}${reason}`, reply.status);
  }

  return {
    /**
     * One retry (MAX_ATTEMPTS), at once and inside the same time budget, for what a second try can fix: no answer,
     * 429 or 5xx. Losing this invocation loses the user's message, and whether DingTalk redelivers in HTTP mode is
     * unconfirmed. With a task id the retry is safe even when the first submission did land (FC then answers 409), so
     * a first attempt that takes more than half the budget is cut short and retried instead of waited for.
     */
    async invokeAsync(payload, { taskId } = {}) {
      if (taskId !== undefined && !TASK_ID_PATTERN.test(taskId)) throw new InvokeError(`${describe}: invalid task id`);
      const body = Buffer.from(payload, 'utf8');
      const budget = new AbortController();
      const startedAt = Date.now();
      const timer = setTimeout(() => budget.abort(), timeoutMs);
      try {
        return await retry({
          attempt: (attemptNumber) => {
            const signal = taskId !== undefined && attemptNumber < MAX_ATTEMPTS
              ? AbortSignal.any([budget.signal, AbortSignal.timeout(Math.ceil(timeoutMs / 2))])
              : budget.signal;
            return submit(body, signal, taskId, attemptNumber);
          },
          isRetryable: (error) =>
            !budget.signal.aborted && error instanceof InvokeError && isRetryableStatus(error.status),
          maxAttempts: MAX_ATTEMPTS,
          giveUpAtMs: startedAt + timeoutMs,
          backoff: { baseMs: 0, capMs: 0 },
        });
      } catch (error) {
        if (!budget.signal.aborted || !(error instanceof InvokeError) || error.status !== undefined) throw error;
        throw new InvokeError(`${describe} failed: timed out after ${timeoutMs} ms`, undefined, { cause: error.cause });
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** No answer (status undefined), FC throttling, or an FC server error. */
const isRetryableStatus = (status: number | undefined): boolean =>
  status === undefined || status === 429 || status >= 500;

function parseEndpoint(endpoint: string): URL {
  const url = URL.canParse(endpoint) ? new URL(endpoint) : undefined;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new InvokeError(`FC endpoint must be an http(s) URL, got "${endpoint}"`);
  }
  return url;
}

/** FC 3.0 documents `Code`/`Message`, older gateways `ErrorCode`/`ErrorMessage`; read either. */
function fcReason(body: string, credentials: FcCredentials): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return '';
  }
  if (typeof parsed !== 'object' || parsed === null) return '';
  const fields = parsed as Record<string, unknown>;
  const code = firstString(fields['Code'], fields['ErrorCode'], fields['errorCode']);
  const message = firstString(fields['Message'], fields['ErrorMessage'], fields['errorMessage']);
  const text = [code, message].filter(Boolean).join(': ').slice(0, 300);
  return text ? ` ${redact(text, credentials)}` : '';
}

function firstString(...values: unknown[]): string {
  return values.find((value): value is string => typeof value === 'string' && value !== '') ?? '';
}

// FC echoes the access key id in InvalidAccessKeyID messages; error messages end up in logs, so scrub all three.
function redact(text: string, { accessKeyId, accessKeySecret, securityToken }: FcCredentials): string {
  return [accessKeyId, accessKeySecret, securityToken].reduce<string>(
    (result, secret) => (secret ? result.split(secret).join('***') : result),
    text,
  );
}
