import axios, { type AxiosInstance } from 'axios';
import { ConnectionTrackingHttpAgent, ConnectionTrackingHttpsAgent } from '../../http/delivery-certainty';

// DingTalk's callers decide certainty through this module, as they always did.
export { connectionOutcome, type ConnectionOutcome } from '../../http/delivery-certainty';

/**
 * The one HTTP client every DingTalk call goes through (token, robot messages, session webhooks, AI cards, message
 * files), and the policy it enforces on what comes back:
 * - An answer is read to at most DINGTALK_ANSWER_MAX_BYTES, counted after decompression (axios' Node adapter counts
 *   the inflated stream), so a huge or gzip-bombed body costs that much memory and then fails the call. Downloads of
 *   picture bytes opt out per request and count against their own, larger limit (message-files.ts).
 * - No redirect is followed: DingTalk's APIs and webhooks answer directly, and a redirect would carry the request
 *   body (message text, app secret) and the token header to a host nobody chose. A 3xx is a failed call
 *   (statusReason says so).
 * - Its agents note on every socket whether the connection was ever established (TCP connected, and for HTTPS the
 *   TLS handshake done), so that a failed call can tell "nothing reached DingTalk" from "DingTalk may have acted"
 *   (connectionOutcome in shared/http/delivery-certainty.ts; the rule it serves is in docs/dingtalk.md,
 *   "Delivery when the outcome is unknown").
 */
export const DINGTALK_ANSWER_MAX_BYTES = 256 * 1024;

export interface DingTalkHttpOptions {
  /** Per request, body included; a call may pass a shorter one. Default 10 s. */
  timeoutMs?: number;
}

/**
 * An idle kept-alive socket is closed after this long. A socket DingTalk or a NAT on the way has silently dropped
 * would take the next message and then fail after it was written, which counts as "maybe delivered" and is not sent
 * again; a fresh connection costs one handshake instead.
 */
const IDLE_SOCKET_MS = 15_000;

export function createDingTalkHttp(options: DingTalkHttpOptions = {}): AxiosInstance {
  return axios.create({
    timeout: options.timeoutMs ?? 10_000,
    maxRedirects: 0,
    // DingTalk is reached directly, never through a proxy named by HTTP_PROXY/HTTPS_PROXY (the bundle leaves axios'
    // proxy support out: build/trim-axios.ts).
    proxy: false,
    maxContentLength: DINGTALK_ANSWER_MAX_BYTES,
    // Keep-alive sockets survive across warm invocations; the token endpoint and the robot API share them.
    httpAgent: new ConnectionTrackingHttpAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
    httpsAgent: new ConnectionTrackingHttpsAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  });
}

/** `HTTP <status>`, saying so when it is a redirect that was not followed. */
export function statusReason(status: number): string {
  return status >= 300 && status < 400 ? `HTTP ${status}, a redirect, which is not followed` : `HTTP ${status}`;
}

/**
 * The new OpenAPI's `code`, else the legacy `errcode` some answers carry (as a string, as the webhook's is): where
 * DingTalkApiError reads a limit from (docs/controls.md §3).
 */
export function answerCode(data: Record<string, unknown>): string | undefined {
  if (typeof data['code'] === 'string') return data['code'];
  const errcode = data['errcode'];
  return typeof errcode === 'number' || typeof errcode === 'string' ? String(errcode) : undefined;
}
