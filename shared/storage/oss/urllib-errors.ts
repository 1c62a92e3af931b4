/**
 * Transport failures as urllib 2 reports them, because ali-oss's requestError turns them into the
 * errors our history code reads: a ResponseTimeoutError keeps only its name and message; any other error without a
 * body and with status -1 (network) or -2 (connect timeout) becomes `{ name, status, code: name }`. A failure must
 * never carry a status ≥ 0 and no body: ali-oss would read it as a bodiless HTTP answer, a 404 as NoSuchKey.
 */
export type TransportFailure =
  /** No connection was made: refused, unresolvable host, TLS refused before connecting. */
  | 'RequestError'
  /** The connection broke after it was made: reset, hang-up, an answer cut short. */
  | 'ResponseError'
  | 'ConnectionTimeoutError'
  | 'ResponseTimeoutError'
  /** The answer is longer than the transport's maxBodyBytes. */
  | 'ResponseTooLargeError'
  /** ali-oss asked for something this transport does not do (streams in or out). */
  | 'UnsupportedRequestError';

export interface TransportError extends Error {
  name: TransportFailure;
  status: -1 | -2;
  /** Node's error code (ECONNREFUSED, ECONNRESET…) when the socket failed; ali-oss drops it, logs of the cause keep it. */
  code?: string;
}

/** `message, METHOD url` as urllib words it; the URL names the object, never a credential (those are headers). */
export function transportError(name: TransportFailure, message: string, request: { method: string; url: string }, code?: unknown): TransportError {
  const error = new Error(`${message}, ${request.method} ${request.url}`) as TransportError;
  error.name = name;
  error.status = name === 'ConnectionTimeoutError' ? -2 : -1;
  if (typeof code === 'string') error.code = code;
  return error;
}
