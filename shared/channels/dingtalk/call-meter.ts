/**
 * Counts the metered DingTalk OpenAPI calls of one turn (docs/controls.md §3): the access-token fetch it started,
 * card creation, streaming and finish, robot messages sent through the OpenAPI, and `messageFiles/download`. The
 * session webhook and the GET of a download URL are not OpenAPI calls and are never counted. One meter per turn,
 * passed down with each call, because an instance may run several turns at once over the same clients.
 */
export interface CallMeter {
  /** One request sent to `endpoint` (an OpenAPI path). */
  add(endpoint: string): void;
}

export interface CountingCallMeter extends CallMeter {
  total(): number;
  /** Calls per endpoint, for the turn's log line and tests. */
  byEndpoint(): Readonly<Record<string, number>>;
}

/** The token endpoint's name in a meter (it is a path too, but not one the requester calls). */
export const TOKEN_ENDPOINT = '/v1.0/oauth2/accessToken';

export function createCallMeter(): CountingCallMeter {
  const counts: Record<string, number> = {};
  let total = 0;
  return {
    add(endpoint) {
      counts[endpoint] = (counts[endpoint] ?? 0) + 1;
      total += 1;
    },
    total: () => total,
    byEndpoint: () => ({ ...counts }),
  };
}

/**
 * Whether a failed request counts: only one that certainly never reached DingTalk (no connection was made) does not.
 * A request lost after it was sent may have been served, and the budget errs on the side of counting.
 */
export function reachedDingTalk(connection: 'never-established' | 'lost-after-sending' | undefined): boolean {
  return connection !== 'never-established';
}
