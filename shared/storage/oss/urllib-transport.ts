import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createKeepAliveAgents } from '../../http/keep-alive-agents';
import { readAnswer, type Exchange } from './urllib-answer';
import { transportError } from './urllib-errors';

/**
 * The HTTP client ali-oss is given through its `urllib` option (`new OSS({ urllib })`), hand-written over node:http(s)
 * because urllib 2, ali-oss's default, is most of the worker bundle and of its cold require (iconv-lite,
 * formstream, proxy-agent detection…). No lighter urllib-compatible library exists on npm: urllib 3 and 4 and
 * urllib-next are built on undici, still with qs and formstream. This implements the part of urllib's
 * `request(url, params)` that ali-oss 6 uses for single object calls (what its createRequest passes, what its
 * request and requestError read): a Buffer body, headers, one timeout in ms; the answer's body as a Buffer. Streams
 * in or out are refused. Redirects are not followed and bodies are not decompressed, as urllib does for ali-oss.
 */
export interface UrllibParams {
  method: string;
  headers?: Record<string, string | number | null | undefined>;
  content?: Buffer | string;
  /** ms; urllib's default when absent is 5 s to connect and 5 s to answer. */
  timeout?: number;
  stream?: unknown;
  writeStream?: unknown;
  customResponse?: boolean;
  streaming?: boolean;
}

/** urllib's `res`: what ali-oss hands on as `result.res` (status, headers, size, rt and the rest). */
export interface UrllibResponse {
  status: number;
  statusCode: number;
  statusMessage: string;
  headers: IncomingHttpHeaders;
  size: number;
  aborted: false;
  rt: number;
  keepAliveSocket: boolean;
  data: Buffer;
  requestUrls: string[];
  remoteAddress: string;
  remotePort: number;
}

export interface UrllibResult {
  status: number;
  headers: IncomingHttpHeaders;
  data: Buffer;
  res: UrllibResponse;
}

export interface OssTransport {
  request(url: string, params: UrllibParams): Promise<UrllibResult>;
}

export interface OssTransportOptions {
  /** Longest answer body kept in memory; a longer one fails as ResponseTooLargeError and its connection is dropped. */
  maxBodyBytes: number;
  /**
   * A kept-alive socket idle this long is closed (agentkeepalive's default under urllib: 4 s). Node's agent applies it
   * to idle sockets only: a slow answer on a busy one is bounded by the request's timeout instead.
   */
  idleSocketMs?: number;
}

const URLLIB_DEFAULT_TIMEOUT_MS = 5_000;

/** One per instance: its keep-alive agents carry sockets across the warm invocations' per-invocation OSS clients. */
export function createOssTransport(options: OssTransportOptions): OssTransport {
  if (!Number.isSafeInteger(options.maxBodyBytes) || options.maxBodyBytes < 0) {
    throw new RangeError(`maxBodyBytes must be a whole number of bytes, got ${options.maxBodyBytes}`);
  }
  const agents = createKeepAliveAgents(options.idleSocketMs);
  return {
    request(url: string, params: UrllibParams): Promise<UrllibResult> {
      const target = new URL(url);
      const exchange: Exchange = { method: params.method.toUpperCase(), url, startedAt: Date.now(), maxBodyBytes: options.maxBodyBytes };
      if (params.stream || params.writeStream || params.customResponse || params.streaming) {
        return Promise.reject(transportError('UnsupportedRequestError', 'this OSS transport sends and reads Buffers only', exchange));
      }
      const body = typeof params.content === 'string' ? Buffer.from(params.content) : params.content;
      const secure = target.protocol === 'https:';
      const req = (secure ? httpsRequest : httpRequest)(target, {
        method: exchange.method,
        headers: wireHeaders(params.headers, body),
        agent: secure ? agents.https : agents.http,
      });
      const result = readAnswer(req, exchange, params.timeout ?? URLLIB_DEFAULT_TIMEOUT_MS);
      req.end(body);
      return result;
    },
  };
}

/** Lower-cased as urllib sends them, unset values left out, Content-Length from the body actually sent. */
function wireHeaders(headers: UrllibParams['headers'], body: Buffer | undefined): OutgoingHttpHeaders {
  const wire: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined && value !== null) wire[name.toLowerCase()] = String(value);
  }
  if (body) wire['content-length'] = String(body.length);
  return wire;
}
