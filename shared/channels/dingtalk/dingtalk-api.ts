import type { AxiosInstance } from 'axios';
import { DingTalkApiError, QUOTA_EXHAUSTED_ERRCODE } from '../../errors';
import { networkReason } from '../../http/network-reason';
import { retry } from '../../retry/retry-policy';
import { asRecord } from '../../validation/as-record';
import type { AccessTokenProvider } from './access-token';
import { type CallMeter, reachedDingTalk } from './call-meter';
import { answerCode, connectionOutcome, statusReason } from './dingtalk-http';

/**
 * One authenticated call to DingTalk's new OpenAPI (api.dingtalk.com), shared by the robot message, AI card and
 * message file clients so that token handling and error mapping exist once. The answer's size and redirects are
 * bounded by the http instance (dingtalk-http.ts). Facts: docs/dingtalk.md §4b, §8.
 */
export interface DingTalkRequester {
  /**
   * Sends `body` as JSON with the access token header and resolves with DingTalk's parsed answer. An expired token is
   * refreshed and the call retried once; any other non-2xx answer, or no answer at all, throws DingTalkApiError.
   */
  call(
    method: DingTalkMethod,
    path: string,
    body: Record<string, unknown>,
    options?: DingTalkCallOptions,
  ): Promise<unknown>;
}

export type DingTalkMethod = 'POST' | 'PUT';

export interface DingTalkCallOptions {
  /** Bound for this call; the axios instance's own timeout applies when absent. */
  timeoutMs?: number;
  /** The turn's meter: each request sent counts, the token fetch this call started too (call-meter.ts). */
  meter?: CallMeter;
}

export interface DingTalkRequesterOptions {
  http: AxiosInstance;
  /** `https://api.dingtalk.com` in production; the fake server's url in tests. */
  apiBase: string;
  tokens: AccessTokenProvider;
}

const TOKEN_HEADER = 'x-acs-dingtalk-access-token';

export function createDingTalkRequester(options: DingTalkRequesterOptions): DingTalkRequester {
  const base = options.apiBase.replace(/\/+$/, '');

  const callOnce = async (
    method: DingTalkMethod,
    path: string,
    body: Record<string, unknown>,
    callOptions: DingTalkCallOptions,
    token: string,
  ): Promise<unknown> => {
    const response = await options.http
      .request({
        method,
        url: `${base}${path}`,
        data: body,
        headers: { [TOKEN_HEADER]: token },
        validateStatus: () => true,
        ...(callOptions.timeoutMs === undefined ? {} : { timeout: callOptions.timeoutMs }),
      })
      .catch((error: unknown) => {
        // Not retried: DingTalk may have acted (delivered a message, created a card) before the connection broke, and
        // a repeat would show the user the same thing twice. The axios error is dropped: its config holds the token.
        const connection = connectionOutcome(error);
        if (reachedDingTalk(connection)) callOptions.meter?.add(path);
        throw new DingTalkApiError(`DingTalk ${path} failed: ${networkReason(error)}`, undefined, undefined, { connection });
      });
    callOptions.meter?.add(path);
    const data = asRecord(response.data);
    const code = answerCode(data);
    // Errcode 90020 (the month's calls are spent) is a failure whatever the status (docs/controls.md §3).
    const ok = response.status >= 200 && response.status < 300 && code !== QUOTA_EXHAUSTED_ERRCODE;
    if (ok) return response.data as unknown;

    const reason = code === undefined ? statusReason(response.status) : `${statusReason(response.status)} ${code}`;
    throw new DingTalkApiError(`DingTalk ${path} rejected (${reason})`, response.status, code);
  };

  return {
    // An expired token is the one failure retried here: once, at once, with a fresh token (docs/dingtalk.md §8).
    call: (method, path, body, callOptions = {}) => {
      // Unset while the token is being fetched: a failed token request is not a rejected token.
      let token: string | undefined;
      return retry({
        attempt: async () => {
          token = undefined;
          token = await options.tokens.get(callOptions.meter);
          return callOnce(method, path, body, callOptions, token);
        },
        isRetryable: (error) => token !== undefined && isExpiredToken(error),
        maxAttempts: 2,
        backoff: { baseMs: 0, capMs: 0 },
        onRetry: () => options.tokens.invalidate(token),
      });
    },
  };
}

/** DingTalk answers an expired or revoked token with 401, or with 400 InvalidAuthentication (docs/dingtalk.md §8). */
function isExpiredToken(error: unknown): boolean {
  if (!(error instanceof DingTalkApiError)) return false;
  return error.status === 401 || (error.status === 400 && error.apiCode === 'InvalidAuthentication');
}
