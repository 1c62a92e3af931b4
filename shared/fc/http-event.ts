import * as v from 'valibot';
import { MethodNotAllowedError, PayloadTooLargeError } from '../errors';
import { decodeUtf8, parseJson, parseWith } from '../validation/parse';

/**
 * FC 3.0 built-in runtimes hand an HTTP-trigger request to the handler as a Buffer holding this JSON document
 * (docs/function-compute.md §3). Header names arrive in any case, multi-valued ones comma-joined.
 */
const FcHttpEventSchema = v.object({
  version: v.optional(v.string()),
  rawPath: v.optional(v.string()),
  body: v.optional(v.string(), ''),
  isBase64Encoded: v.optional(v.boolean(), false),
  headers: v.optional(v.record(v.string(), v.string()), {}),
  queryParameters: v.optional(v.record(v.string(), v.string()), {}),
  requestContext: v.object({
    requestId: v.optional(v.string()),
    http: v.object({ method: v.string(), path: v.optional(v.string()) }),
  }),
});

export interface HttpRequest {
  method: string;
  path: string;
  /** Lower-cased header names. */
  headers: Readonly<Record<string, string>>;
  /** The query string's parameters, decoded (WeChat signs its callbacks in the query). */
  query: Readonly<Record<string, string>>;
  body: Buffer;
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  isBase64Encoded: false;
  body: string;
}

/** Buffer → normalized request; refuses a body above `maxBodyBytes` before decoding or parsing it. */
export function toHttpRequest(event: Buffer, maxBodyBytes: number): HttpRequest {
  // JSON escaping can grow a body at most sixfold (\u0000); anything larger is refused before parsing it.
  if (event.length > maxBodyBytes * 6 + 65_536) throw new PayloadTooLargeError(maxBodyBytes);
  const parsed = parseWith(FcHttpEventSchema, parseJson(decodeUtf8(event, 'event')));
  // base64 is 4/3 of the payload, and a UTF-8 string has at least as many bytes as code units: refuse early.
  const encodedLimit = parsed.isBase64Encoded ? Math.ceil((maxBodyBytes * 4) / 3) + 4 : maxBodyBytes;
  if (parsed.body.length > encodedLimit) throw new PayloadTooLargeError(maxBodyBytes);
  const body = Buffer.from(parsed.body, parsed.isBase64Encoded ? 'base64' : 'utf8');
  if (body.length > maxBodyBytes) throw new PayloadTooLargeError(maxBodyBytes);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed.headers)) headers[name.toLowerCase()] = value;
  return {
    method: parsed.requestContext.http.method.toUpperCase(),
    path: parsed.requestContext.http.path ?? parsed.rawPath ?? '/',
    headers,
    query: parsed.queryParameters,
    body,
  };
}

export function jsonResponse(statusCode: number, payload: unknown): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    isBase64Encoded: false,
    body: JSON.stringify(payload),
  };
}

export function requireMethod(request: HttpRequest, allowed: string): void {
  if (request.method !== allowed) throw new MethodNotAllowedError(request.method);
}
