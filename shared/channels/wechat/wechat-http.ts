import * as v from 'valibot';
import { WechatApiError } from '../../errors';
import type { Agent } from 'node:http';
import { boundedRequest } from '../../http/bounded-request';
import { connectionOutcome, ConnectionTrackingHttpAgent, ConnectionTrackingHttpsAgent } from '../../http/delivery-certainty';
import { networkReason } from '../../http/network-reason';
import { parseJson } from '../../validation/parse';

/**
 * One JSON POST to the WeChat API over node:https (docs/wechat.md §7, §8). WeChat answers HTTP 200 with `errcode` 0
 * on success and another errcode on failure; any other answer, and no answer, is a WechatApiError. The query holds
 * the access token, so neither the URL nor the path ever reaches an error message.
 */
const ANSWER_MAX_BYTES = 64 * 1024;
/** As for DingTalk (dingtalk-http.ts): a socket idle this long is closed rather than risked with a message. */
const IDLE_SOCKET_MS = 15_000;

const ErrorAnswerSchema = v.object({ errcode: v.optional(v.number(), 0), errmsg: v.optional(v.string(), '') });

export interface WechatHttpOptions {
  apiBase: string;
  timeoutMs: number;
  /** Marks each socket when it is established (wechatAgent), so a failed send knows whether it may have arrived. */
  agent?: Agent;
}

/** One per instance: kept-alive sockets marked as they connect (shared/http/delivery-certainty.ts). */
export function wechatAgent(apiBase: string): Agent {
  const options = { keepAlive: true, timeout: IDLE_SOCKET_MS };
  return new URL(apiBase).protocol === 'http:' ? new ConnectionTrackingHttpAgent(options) : new ConnectionTrackingHttpsAgent(options);
}

/** `idempotent: false` for a call that must never be sent twice (a message send): no resend on a dead socket. */
export async function postWechatJson(options: WechatHttpOptions, path: string, body: unknown, call: { idempotent: boolean }): Promise<Record<string, unknown>> {
  const url = new URL(options.apiBase);
  const basePath = url.pathname.replace(/\/+$/, '');
  let answer;
  try {
    answer = await boundedRequest({
      url, method: 'POST', path: `${basePath}${path}`, headers: { 'content-type': 'application/json; charset=utf-8' },
      body: Buffer.from(JSON.stringify(body), 'utf8'), signal: AbortSignal.timeout(options.timeoutMs), maxBodyBytes: ANSWER_MAX_BYTES,
      idempotent: call.idempotent, ...(options.agent ? { agent: options.agent } : {}),
    });
  } catch (error) {
    const connection = connectionOutcome(error);
    throw new WechatApiError(`WeChat ${path.split('?')[0]} got no answer: ${networkReason(error)}`, undefined, { cause: error, connection });
  }
  const what = `WeChat ${path.split('?')[0]}`;
  if (answer.status !== 200 || answer.truncated) throw new WechatApiError(`${what} answered HTTP ${answer.status}`);
  let parsed: unknown;
  try {
    parsed = parseJson(answer.body.toString('utf8'));
  } catch (error) {
    throw new WechatApiError(`${what} answered something that is not JSON`, undefined, { cause: error });
  }
  const result = v.safeParse(ErrorAnswerSchema, parsed);
  if (!result.success || typeof parsed !== 'object' || parsed === null) throw new WechatApiError(`${what} answered an unexpected shape`);
  if (result.output.errcode !== 0) {
    throw new WechatApiError(`${what} failed: ${result.output.errcode} ${result.output.errmsg.slice(0, 200)}`, result.output.errcode);
  }
  return parsed as Record<string, unknown>;
}
