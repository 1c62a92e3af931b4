import * as v from 'valibot';
import { WechatApiError } from '../../errors';
import { postWechatJson, type WechatHttpOptions } from './wechat-http';

/**
 * The access token for the customer-service API, from /cgi-bin/stable_token in normal mode (docs/wechat.md §7):
 * WeChat hands every caller the same token while it is valid, so FC instances can each fetch it without
 * invalidating each other's copy (the older /cgi-bin/token would). Kept per instance until EXPIRY_MARGIN_MS before
 * it expires; `invalidate` drops it after WeChat called it invalid or expired, so the next `get` fetches again.
 */
export const EXPIRY_MARGIN_MS = 5 * 60_000;

/** errcodes that mean the token we sent is no longer good: 40001 invalid, 42001 expired, 40014 not a token. */
export const STALE_TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 42001, 40014]);

const TokenSchema = v.object({
  access_token: v.pipe(v.string(), v.minLength(1), v.maxLength(1024)),
  expires_in: v.pipe(v.number(), v.integer(), v.minValue(1)),
});

export interface StableTokenProvider {
  get(): Promise<string>;
  invalidate(token: string): void;
}

export function createStableTokenProvider(options: WechatHttpOptions & { appId: string; appSecret: string; now: () => number }): StableTokenProvider {
  let cached: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const answer = await postWechatJson(options, '/cgi-bin/stable_token', {
      grant_type: 'client_credential', appid: options.appId, secret: options.appSecret, force_refresh: false,
    }, { idempotent: true });
    const parsed = v.safeParse(TokenSchema, answer);
    if (!parsed.success) throw new WechatApiError('WeChat /cgi-bin/stable_token answered without a token');
    const lifetimeMs = parsed.output.expires_in * 1000;
    cached = { token: parsed.output.access_token, refreshAt: options.now() + Math.max(lifetimeMs - EXPIRY_MARGIN_MS, lifetimeMs / 2) };
    return cached.token;
  }

  return {
    async get() {
      if (cached && options.now() < cached.refreshAt) return cached.token;
      // One fetch at a time per instance: concurrent turns share it.
      pending ??= fetchToken().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined;
    },
  };
}
