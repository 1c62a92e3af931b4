import type { IncomingHttpHeaders } from 'node:http';
import { BAD_TOKEN, ok, type Reply, type RouteHandler, rejected } from './stand-in-http';

/**
 * The DingTalk stand-in's OpenAPI credentials: `oauth2/accessToken` trades the app key and secret for an access token
 * with a lifetime, and every other API call is checked for a live one (docs/dingtalk.md §8).
 */
export interface StandInAuthOptions {
  appKey: string;
  appSecret: string;
  tokenTtlSeconds: number;
  /** Status for a rejected token: real DingTalk often answers 400 rather than 401 (docs/dingtalk.md §8). */
  authFailureStatus: 400 | 401;
}

export function createStandInAuth(options: StandInAuthOptions) {
  let tokenTtlSeconds = options.tokenTtlSeconds;
  const tokens = new Map<string, number>();
  let issued = 0;

  const token: RouteHandler = (body) => {
    if (typeof body['appKey'] !== 'string' || typeof body['appSecret'] !== 'string') {
      return rejected(400, 'MissingParameter', 'appKey and appSecret are required');
    }
    // Exact codes for wrong credentials are not in our sources; the statuses match what DingTalk is seen to use.
    if (body['appKey'] !== options.appKey) return rejected(400, 'invalidClientId', '无效的appKey');
    if (body['appSecret'] !== options.appSecret) return rejected(401, 'invalidClientSecret', '无效的appSecret');
    issued += 1;
    const accessToken = `fake-token-${issued}-${Math.random().toString(36).slice(2, 10)}`;
    tokens.set(accessToken, Date.now() + tokenTtlSeconds * 1000);
    return ok({ accessToken, expireIn: tokenTtlSeconds });
  };

  const tokenValid = (headers: IncomingHttpHeaders): boolean => {
    const presented = headers['x-acs-dingtalk-access-token'];
    const expiresAt = typeof presented === 'string' ? tokens.get(presented) : undefined;
    return expiresAt !== undefined && Date.now() < expiresAt;
  };

  return {
    routes: { token },
    /** The reply for a missing or expired token; undefined when the token is good. */
    checkToken: (headers: IncomingHttpHeaders): Reply | undefined =>
      tokenValid(headers) ? undefined : { status: options.authFailureStatus, body: BAD_TOKEN },
    expireTokens: (): void => tokens.clear(),
    setTokenTtl(seconds: number): void {
      tokenTtlSeconds = seconds;
    },
  };
}
