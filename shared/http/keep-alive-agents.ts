import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/** One pair per instance, so sockets are kept alive across warm invocations. */
export interface KeepAliveAgents {
  http: HttpAgent;
  https: HttpsAgent;
}

/**
 * An idle kept-alive socket is closed after this long by default (fetch's own default, and ali-oss's agent had the
 * same): a provider or a NAT drops idle connections on its own schedule, and a request sent on one it already
 * dropped fails. The timer runs before a thawed FC instance takes its next request, so a frozen hour does not leave
 * one open.
 */
export const IDLE_SOCKET_MS = 4_000;

export function createKeepAliveAgents(idleSocketMs = IDLE_SOCKET_MS): KeepAliveAgents {
  const options = { keepAlive: true, timeout: idleSocketMs };
  return { http: new HttpAgent(options), https: new HttpsAgent(options) };
}
