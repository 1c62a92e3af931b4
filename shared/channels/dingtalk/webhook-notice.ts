import { DingTalkApiError } from '../../errors';
import { boundedRequest } from '../../http/bounded-request';
import { networkReason } from '../../http/network-reason';
import { asRecord } from '../../validation/as-record';

/**
 * One markdown message to a session webhook from the callback itself, over node:http(s) like its other calls (axios
 * would add ~50 ms to its cold start). Only used when the callback cannot hand the message to the worker and must
 * say why; the caller has already checked the webhook's host. DingTalk answers most refusals with 200 and a non-zero
 * errcode (docs/dingtalk.md §4a), so both are read. The URL holds a session token: it never goes into an error.
 */
const TIMEOUT_MS = 3000;
const MAX_REPLY_BYTES = 16 * 1024;

export async function postWebhookNotice(webhookUrl: string, notice: { title: string; text: string }): Promise<void> {
  const url = new URL(webhookUrl);
  const body = Buffer.from(JSON.stringify({ msgtype: 'markdown', markdown: notice }), 'utf8');
  const reply = await boundedRequest({
    url,
    method: 'POST',
    path: `${url.pathname}${url.search}`,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body,
    signal: AbortSignal.timeout(TIMEOUT_MS),
    maxBodyBytes: MAX_REPLY_BYTES,
  }).catch((error: unknown) => {
    throw new DingTalkApiError(`session webhook failed: ${networkReason(error)}`);
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(reply.body.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const errcode = asRecord(parsed)['errcode'];
  if (reply.status === 200 && (errcode === undefined || errcode === 0 || errcode === '0')) return;
  const apiCode = errcode === undefined ? undefined : String(errcode);
  throw new DingTalkApiError(`session webhook rejected (HTTP ${reply.status}${apiCode ? `, errcode ${apiCode}` : ''})`, reply.status, apiCode);
}
