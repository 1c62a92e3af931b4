import * as v from 'valibot';
import { WechatApiError } from '../../errors';
import { boundedRequest } from '../../http/bounded-request';
import { networkReason } from '../../http/network-reason';
import { parseJson } from '../../validation/parse';

/**
 * One JSON POST to the WeChat API over node:https (docs/wechat.md §7, §8). WeChat answers HTTP 200 with `errcode` 0
 * on success and another errcode on failure; any other answer, and no answer, is a WechatApiError. The query holds
 * the access token, so neither the URL nor the path ever reaches an error message.
 */
const ANSWER_MAX_BYTES = 64 * 1024;
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

const ErrorAnswerSchema = v.object({ errcode: v.optional(v.number(), 0), errmsg: v.optional(v.string(), '') });

export interface WechatHttpOptions {
  apiBase: string;
  timeoutMs: number;
}

export async function postWechatJson(options: WechatHttpOptions, path: string, body: unknown): Promise<Record<string, unknown>> {
  const url = new URL(options.apiBase);
  const basePath = url.pathname.replace(/\/+$/, '');
  let answer;
  try {
    answer = await boundedRequest({
      url, method: 'POST', path: `${basePath}${path}`, headers: { 'content-type': 'application/json; charset=utf-8' },
      body: Buffer.from(JSON.stringify(body), 'utf8'), signal: AbortSignal.timeout(options.timeoutMs), maxBodyBytes: ANSWER_MAX_BYTES,
    });
  } catch (error) {
    const reason = networkReason(error);
    const connection = NOT_CONNECTED.has(reason) ? 'never-established' : 'lost-after-sending';
    throw new WechatApiError(`WeChat ${path.split('?')[0]} got no answer: ${reason}`, undefined, { cause: error, connection });
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
