import type { AxiosInstance } from 'axios';
import { DingTalkApiError } from '../../errors';
import { networkReason } from '../../http/network-reason';
import { asRecord } from '../../validation/as-record';
import { type CallMeter, reachedDingTalk, TOKEN_ENDPOINT } from './call-meter';
import { answerCode, connectionOutcome, statusReason } from './dingtalk-http';

/**
 * The app access token for DingTalk's new OpenAPI (api.dingtalk.com). DingTalk rate-limits the token endpoint, so the
 * worker keeps one provider per warm FC instance and every invocation reuses the cached token until shortly before it
 * expires. Facts: docs/dingtalk.md §4b.
 */
export interface AccessTokenProvider {
  /**
   * A token valid for at least `refreshMarginMs` more; concurrent callers share one in-flight request. A fetch counts
   * on the meter of the caller that started it (the token endpoint is counted as an OpenAPI call: docs/controls.md §3).
   */
  get(meter?: CallMeter): Promise<string>;
  /**
   * Drops the cached token after DingTalk rejected it. Pass the rejected token so that a caller holding an old
   * token cannot throw away a fresh one another caller has just fetched.
   */
  invalidate(rejectedToken?: string): void;
}

export interface AccessTokenProviderOptions {
  http: AxiosInstance;
  /** `https://api.dingtalk.com` in production; the fake server's url in tests. */
  apiBase: string;
  appKey: string;
  appSecret: string;
  now?: () => number;
  /** Refresh this long before DingTalk's expiry; the Python SDK uses 5 min. */
  refreshMarginMs?: number;
}

interface CachedToken {
  token: string;
  refreshAt: number;
}

const DEFAULT_REFRESH_MARGIN_MS = 5 * 60 * 1000;

export function createAccessTokenProvider(options: AccessTokenProviderOptions): AccessTokenProvider {
  const now = options.now ?? Date.now;
  const margin = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
  const url = `${options.apiBase.replace(/\/+$/, '')}/v1.0/oauth2/accessToken`;
  let cached: CachedToken | undefined;
  let inFlight: Promise<string> | undefined;
  // Bumped by invalidate(), so a request started before the invalidation cannot put its answer back in the cache.
  let generation = 0;

  const fetchToken = async (startedIn: number, meter: CallMeter | undefined): Promise<string> => {
    const requestedAt = now();
    const response = await options.http
      .post(url, { appKey: options.appKey, appSecret: options.appSecret }, { validateStatus: () => true })
      .catch((error: unknown) => {
        if (reachedDingTalk(connectionOutcome(error))) meter?.add(TOKEN_ENDPOINT);
        // The axios error carries the request body (the app secret), so only its code travels on.
        throw new DingTalkApiError(`access token request failed: ${networkReason(error)}`);
      });
    meter?.add(TOKEN_ENDPOINT);
    const body = asRecord(response.data);
    const token = body['accessToken'];
    const expireIn = body['expireIn'];
    if (response.status !== 200 || typeof token !== 'string' || token === '' || typeof expireIn !== 'number') {
      const code = answerCode(body);
      throw new DingTalkApiError(`access token request rejected (${statusReason(response.status)})`, response.status, code);
    }
    // Measured from when we asked, so a slow response cannot make us keep the token past its real expiry.
    if (startedIn === generation) cached = { token, refreshAt: requestedAt + expireIn * 1000 - margin };
    return token;
  };

  return {
    get(meter) {
      if (cached && now() < cached.refreshAt) return Promise.resolve(cached.token);
      if (!inFlight) {
        const request = fetchToken(generation, meter).finally(() => {
          if (inFlight === request) inFlight = undefined;
        });
        inFlight = request;
      }
      return inFlight;
    },
    invalidate(rejectedToken) {
      // Already replaced (or being replaced) by another caller that saw the same rejection.
      if (rejectedToken !== undefined && cached?.token !== rejectedToken) return;
      cached = undefined;
      inFlight = undefined;
      generation += 1;
    },
  };
}
