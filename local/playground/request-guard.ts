import type { IncomingMessage } from 'node:http';

/**
 * The playground sends real messages with the robot's secret and spends model tokens, so only this machine may use
 * it, even when the trigger is exposed for a tunnel (LOCAL_HOST=0.0.0.0): the peer must be a loopback address, and
 * the Host header must name a loopback host, so that a web page elsewhere cannot reach it through DNS rebinding.
 * A write must be JSON, which a cross-site form cannot send without the browser asking first.
 */
export function refusal(request: IncomingMessage): string | undefined {
  if (!isLoopback(request.socket.remoteAddress ?? '')) return 'the playground answers only to this machine';
  const host = (request.headers.host ?? '').replace(/:\d+$/, '');
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) return `the playground answers only on a loopback host name, not ${host || 'no Host'}`;
  const writes = request.method !== 'GET' && request.method !== 'HEAD';
  if (writes && !(request.headers['content-type'] ?? '').startsWith('application/json')) return 'a playground request must be JSON';
  return undefined;
}

const isLoopback = (address: string): boolean => /^(127\.|::ffff:127\.)/.test(address) || address === '::1';
