import { Agent as HttpAgent, type ClientRequestArgs } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Duplex } from 'node:stream';

/**
 * The project's one way of deciding whether a request that got no HTTP answer may have been delivered (the rule it
 * serves: a send whose outcome is unknown is not sent again, docs/dingtalk.md "Delivery when the outcome is
 * unknown"). It reads the error a client gave with the request attached (axios does so, and so does
 * shared/http/bounded-request.ts), and the mark the agents below put on every socket when it is established (TCP
 * connected, and for HTTPS the TLS handshake done: no request byte leaves before that).
 *
 * - 'never-established': it certainly did not reach the platform. The client gave up before making a request, the
 *   request never got a socket, the error is one only connecting raises (DNS, refused, unreachable), or the socket is
 *   one of ours and it never finished connecting (a timeout or TLS failure during the handshake).
 * - 'lost-after-sending': the connection stood, so the request may have been read and acted on (a timeout waiting
 *   for the answer, a reset or hang-up, a body that could not be read). A socket from an agent that does not track
 *   connections counts here too: when in doubt, assume the platform may have acted.
 */
export type ConnectionOutcome = 'never-established' | 'lost-after-sending';

/** Error codes Node raises only while resolving or connecting, before a byte of the request can leave. */
export const CONNECT_ONLY_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function connectionOutcome(error: unknown): ConnectionOutcome {
  const failure = error as { request?: { socket?: unknown } | null; code?: unknown; cause?: { syscall?: unknown } } | null;
  if (!failure?.request) return 'never-established';
  if (typeof failure.code === 'string' && CONNECT_ONLY_CODES.has(failure.code)) return 'never-established';
  const syscall = failure.cause?.syscall;
  if (syscall === 'connect' || syscall === 'getaddrinfo') return 'never-established';
  const socket = failure.request.socket as TrackedSocket | null | undefined;
  if (!socket) return 'never-established';
  return socket[ESTABLISHED] === false ? 'never-established' : 'lost-after-sending';
}

const ESTABLISHED = Symbol('delivery-certainty.established');
type TrackedSocket = Duplex & { [ESTABLISHED]?: boolean };

function track(socket: Duplex | null | undefined, readyEvent: 'connect' | 'secureConnect'): void {
  if (!socket) return;
  const tracked = socket as TrackedSocket;
  tracked[ESTABLISHED] = false;
  socket.once(readyEvent, () => {
    tracked[ESTABLISHED] = true;
  });
}

export class ConnectionTrackingHttpAgent extends HttpAgent {
  override createConnection(options: ClientRequestArgs, callback?: (error: Error | null, stream: Duplex) => void) {
    const socket = super.createConnection(options, callback);
    track(socket, 'connect');
    return socket;
  }
}

export class ConnectionTrackingHttpsAgent extends HttpsAgent {
  override createConnection(options: ClientRequestArgs, callback?: (error: Error | null, stream: Duplex) => void) {
    const socket = super.createConnection(options, callback);
    // A TLS socket carries no request bytes until the handshake is done.
    track(socket, 'secureConnect');
    return socket;
  }
}
