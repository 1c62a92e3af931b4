import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios, { type AxiosInstance } from 'axios';

/**
 * The one HTTP client every DingTalk call goes through (token, robot messages, session webhooks, AI cards, message
 * files), and the policy it enforces on what comes back:
 * - An answer is read to at most DINGTALK_ANSWER_MAX_BYTES, counted after decompression (axios' Node adapter counts
 *   the inflated stream), so a huge or gzip-bombed body costs that much memory and then fails the call. Downloads of
 *   picture bytes opt out per request and count against their own, larger limit (message-files.ts).
 * - No redirect is followed: DingTalk's APIs and webhooks answer directly, and a redirect would carry the request
 *   body (message text, app secret) and the token header to a host nobody chose. A 3xx is a failed call
 *   (statusReason says so).
 */
export const DINGTALK_ANSWER_MAX_BYTES = 256 * 1024;

export interface DingTalkHttpOptions {
  /** Per request, body included; a call may pass a shorter one. Default 10 s. */
  timeoutMs?: number;
}

export function createDingTalkHttp(options: DingTalkHttpOptions = {}): AxiosInstance {
  return axios.create({
    timeout: options.timeoutMs ?? 10_000,
    maxRedirects: 0,
    maxContentLength: DINGTALK_ANSWER_MAX_BYTES,
    // Keep-alive sockets survive across warm invocations; the token endpoint and the robot API share them.
    httpAgent: new HttpAgent({ keepAlive: true }),
    httpsAgent: new HttpsAgent({ keepAlive: true }),
  });
}

/** `HTTP <status>`, saying so when it is a redirect that was not followed. */
export function statusReason(status: number): string {
  return status >= 300 && status < 400 ? `HTTP ${status}, a redirect, which is not followed` : `HTTP ${status}`;
}
