import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../read-body';
import { verifyAcs3Request } from './acs3-verifier';
import type { FcCredentials } from '../../shared/fc/context';
import { TASK_ID_PATTERN } from '../../shared/fc/fc-invoker';

/**
 * A local stand-in for FC 3.0's InvokeFunction endpoint, strict where the real one is: ACS3 signature, STS token,
 * 15-minute clock window, known function names and the documented payload limits (docs/function-compute.md §4,
 * docs/platform-limits.md). Errors carry FC 3.0's `Code`/`Message`/`RequestId` (what the SDK reads) and the older
 * `ErrorCode`/`ErrorMessage` pair, so clients written against either shape see what they expect.
 */
export const ASYNC_PAYLOAD_LIMIT_BYTES = 128 * 1024;
export const SYNC_PAYLOAD_LIMIT_BYTES = 32 * 1024 * 1024;
/** FC's error-code table lists EntityTooLarge as a 400, not a 413. */
export const ENTITY_TOO_LARGE_STATUS = 400;
/**
 * FC documents that a repeated x-fc-async-task-id is "rejected … and an error 409 is returned" in task mode, but not
 * the error code; this one is assumed. Clients must go by the status.
 */
export const DUPLICATE_TASK_CODE = 'TaskAlreadyExists';

export interface InvokeCall {
  functionName: string;
  qualifier?: string;
  async: boolean;
  body: Buffer;
  requestId: string;
  taskId?: string;
}

export interface InvokeApiOptions {
  credentials: FcCredentials[];
  functions: string[];
  onInvoke: (call: InvokeCall) => Promise<{ status: number; body?: Buffer }>;
  now?: () => Date;
  requestId?: () => string;
  /** An async invocation runs after its 202 went out, so its failure has nowhere else to go. */
  onAsyncError?: (error: unknown, call: InvokeCall) => void;
  /**
   * FC's task mode (s.yaml `asyncInvokeConfig.asyncTask: true`): x-fc-async-task-id is remembered and a second
   * submission with the same id is refused with 409 before anything runs.
   */
  asyncTask?: boolean;
  /**
   * For the fault soak: return false to make the API forget a task id it was given (as after FC's record of it is
   * gone), so a DingTalk redelivery of that message reaches the worker again. Every id is remembered when absent.
   */
  remembersTask?: (taskId: string) => boolean;
  /**
   * For tests: how long to hold back the 202 of an accepted async invocation (already queued by then), to stand for
   * an answer lost or late on the way back, after the caller's timeout.
   */
  acceptDelayMs?: (call: InvokeCall) => number;
}

/** Returns false, without touching the response, when the path is not under FC's function API. */
export type InvokeApiHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

const PREFIX = '/2023-03-30/functions/';
const ROUTE = /^\/2023-03-30\/functions\/([^/]+)\/invocations$/;

export function createInvokeApi(options: InvokeApiOptions): InvokeApiHandler {
  const now = options.now ?? (() => new Date());
  const newRequestId = options.requestId ?? fcRequestId;
  const onAsyncError = options.onAsyncError ?? ((error) => console.error('async invocation failed:', error));
  const findCredentials = (id: string) => options.credentials.find((c) => c.accessKeyId === id);
  const known = new Set(options.functions);
  const submittedTasks = new Set<string>();

  async function handle(req: IncomingMessage, res: ServerResponse, path: string, rawQuery: string): Promise<void> {
    const requestId = newRequestId();
    const fail = (status: number, code: string, message: string) => sendError(res, requestId, status, code, message);
    const encodedName = ROUTE.exec(path)?.[1];
    if (req.method !== 'POST' || encodedName === undefined) {
      req.resume();
      return fail(400, 'PathNotSupported', `'${req.method}' against '${path}' is not supported`);
    }
    const body = await readBody(req, SYNC_PAYLOAD_LIMIT_BYTES);
    const tooLarge = (limit: number) =>
      fail(ENTITY_TOO_LARGE_STATUS, 'EntityTooLarge', `payload size exceeds maximum allowed size (${limit} bytes)`);
    if (!body) return tooLarge(SYNC_PAYLOAD_LIMIT_BYTES);
    const query = Object.fromEntries(new URLSearchParams(rawQuery));
    const { headers } = req;
    const verdict = verifyAcs3Request({ method: 'POST', path, query, headers, body, findCredentials, now: now() });
    if (!verdict.ok) return fail(verdict.code === 'MissingRequiredHeader' ? 400 : 403, verdict.code, verdict.message);
    const functionName = safeDecode(encodedName);
    if (functionName === undefined || !known.has(functionName)) {
      return fail(404, 'FunctionNotFound', `function '${functionName ?? encodedName}' does not exist`);
    }
    const type = String(req.headers['x-fc-invocation-type'] ?? 'Sync').toLowerCase();
    const async = type === 'async' || type === 'task';
    if (async && body.length > ASYNC_PAYLOAD_LIMIT_BYTES) return tooLarge(ASYNC_PAYLOAD_LIMIT_BYTES);
    const qualifier = query['qualifier'];
    const taskHeader = req.headers['x-fc-async-task-id'];
    const taskId = async && options.asyncTask && typeof taskHeader === 'string' ? taskHeader : undefined;
    if (taskId !== undefined && !TASK_ID_PATTERN.test(taskId)) return fail(400, 'InvalidArgument', 'x-fc-async-task-id is invalid');
    const taskKey = `${functionName}:${qualifier ?? 'LATEST'}:${taskId}`;
    if (taskId !== undefined && submittedTasks.has(taskKey) && (options.remembersTask?.(taskId) ?? true)) {
      return fail(409, DUPLICATE_TASK_CODE, `async task '${taskId}' already exists`);
    }
    const call: InvokeCall = { functionName, async, body, requestId, ...(qualifier ? { qualifier } : {}), ...(taskId ? { taskId } : {}) };
    if (async) {
      if (taskId !== undefined) submittedTasks.add(taskKey);
      // Started before the 202 is written, as FC has queued the event by then; awaited by nobody, as with FC.
      new Promise((resolve) => resolve(options.onInvoke(call))).catch((error: unknown) => onAsyncError(error, call));
      const delay = options.acceptDelayMs?.(call) ?? 0;
      if (delay > 0) await holdBack(res, delay);
      if (res.destroyed) return;
      res.writeHead(202, { 'x-fc-request-id': requestId, 'content-length': '0', ...(taskId ? { 'x-fc-async-task-id': taskId } : {}) }).end();
      return;
    }
    const result = await options.onInvoke(call);
    const payload = result.body ?? Buffer.alloc(0);
    res.writeHead(result.status, { 'x-fc-request-id': requestId, 'content-length': String(payload.length) });
    res.end(payload);
  }

  return (req, res) => {
    const raw = req.url ?? '/';
    const mark = raw.indexOf('?');
    const path = mark === -1 ? raw : raw.slice(0, mark);
    if (!path.startsWith(PREFIX)) return false;
    handle(req, res, path, mark === -1 ? '' : raw.slice(mark + 1)).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      sendError(res, fcRequestId(), 500, 'InternalServerError', error instanceof Error ? error.message : String(error));
    });
    return true;
  };
}

/** Waits `delayMs`, or less when the caller has already given up and closed the connection. */
function holdBack(res: ServerResponse, delayMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, delayMs);
    res.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function sendError(res: ServerResponse, requestId: string, status: number, code: string, message: string): void {
  const fc3 = { Code: code, Message: message, RequestId: requestId };
  const body = JSON.stringify({ ...fc3, ErrorCode: code, ErrorMessage: message });
  res.writeHead(status, { 'content-type': 'application/json', 'x-fc-request-id': requestId }).end(body);
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** FC's shape, e.g. `1-64e70cf1-5cbef92ea8fc8c42899cf5d1`. */
function fcRequestId(): string {
  return `1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
}
