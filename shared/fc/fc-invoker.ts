import { randomBytes } from 'node:crypto';
import { request as httpRequest, type Agent, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { InvokeError } from '../errors';
import { networkReason } from '../http/network-reason';
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
  /** Budget for the whole call, connection included. */
  timeoutMs: number;
  now?: () => Date;
  nonce?: () => string;
  /** Defaults to Node's global agent, which keeps connections alive across invocations of a warm instance. */
  agent?: Agent;
}

export interface FcInvoker {
  invokeAsync(payload: string): Promise<{ requestId: string }>;
}

interface Reply {
  status: number;
  requestId: string;
  body: string;
}

const MAX_BODY_BYTES = 16 * 1024;
const MAX_ATTEMPTS = 2;

export function createFcInvoker(options: FcInvokerOptions): FcInvoker {
  const { functionName, qualifier, credentials, timeoutMs } = options;
  const now = options.now ?? (() => new Date());
  const nonce = options.nonce ?? (() => randomBytes(16).toString('hex'));
  const url = parseEndpoint(options.endpoint);
  const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
  const path = `/${FC_API_VERSION}/functions/${encodeURIComponent(functionName)}/invocations`;
  const query: Record<string, string> = qualifier === undefined ? {} : { qualifier };
  const target = qualifier === undefined ? path : `${path}?qualifier=${encodeURIComponent(qualifier)}`;
  const describe = `InvokeFunction ${functionName}${qualifier === undefined ? '' : `:${qualifier}`}`;

  function attempt(body: Buffer, signal: AbortSignal, retryStale: boolean): Promise<Reply> {
    const headers = signInvokeRequest({
      method: 'POST', host: url.host, path, query, body, credentials, date: formatAcsDate(now()), nonce: nonce(),
      headers: { 'x-fc-invocation-type': 'Async' },
    });
    return new Promise<Reply>((resolve, reject) => {
      const req = send(url, {
        method: 'POST', path: target, signal, headers: { ...headers, 'content-length': String(body.length) },
        ...(options.agent ? { agent: options.agent } : {}),
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive socket can die while FC freezes the instance; Node's documented remedy is to resend once.
        if (retryStale && req.reusedSocket && error.code === 'ECONNRESET') resolve(attempt(body, signal, false));
        else reject(error);
      });
      req.on('response', (res) => readReply(res).then(resolve, reject));
      req.end(body);
    });
  }

  return {
    /**
     * One retry, inside the same time budget, for what a second try can fix: no answer, 429 or 5xx. Losing this
     * invocation loses the user's message, and whether DingTalk redelivers in HTTP mode is unconfirmed.
     */
    async invokeAsync(payload) {
      const body = Buffer.from(payload, 'utf8');
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      try {
        for (let attemptNumber = 1; ; attemptNumber += 1) {
          const last = attemptNumber === MAX_ATTEMPTS;
          let reply: Reply;
          try {
            reply = await attempt(body, controller.signal, true);
          } catch (error) {
            if (!last && !controller.signal.aborted) continue;
            const reason = controller.signal.aborted ? `timed out after ${timeoutMs} ms` : networkReason(error);
            throw new InvokeError(`${describe} failed: ${reason}`, undefined, { cause: error });
          }
          if (reply.status === 202) return { requestId: reply.requestId };
          if (!last && (reply.status === 429 || reply.status >= 500)) continue;
          throw new InvokeError(`${describe} failed: HTTP ${reply.status}${fcReason(reply.body, credentials)}`, reply.status);
        }
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function parseEndpoint(endpoint: string): URL {
  const url = URL.canParse(endpoint) ? new URL(endpoint) : undefined;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new InvokeError(`FC endpoint must be an http(s) URL, got "${endpoint}"`);
  }
  return url;
}

function readReply(res: IncomingMessage): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      // Only error bodies are read, and only their JSON head matters; don't buffer whatever a proxy sends.
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    res.on('error', reject);
    res.on('close', () => {
      if (!res.complete) reject(new Error('connection closed before the response ended'));
    });
    res.on('end', () => {
      const requestId = res.headers['x-fc-request-id'];
      // A 202 without x-fc-request-id is still an accepted invocation; the id only serves the logs.
      const body = Buffer.concat(chunks).toString('utf8');
      resolve({ status: res.statusCode ?? 0, requestId: typeof requestId === 'string' ? requestId : '', body });
    });
  });
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
