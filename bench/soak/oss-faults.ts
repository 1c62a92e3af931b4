import { randomBytes } from 'node:crypto';
import { errorXml } from '../../local/oss/oss-response';
import type { FaultBook } from './fault-book';
import type { InFlight } from './in-flight';
import type { Kills } from './kills';
import { drop, relay, sendText, type FaultHook, type ProxiedRequest } from './proxy';

/**
 * Faults between the worker and the OSS stand-in: 500s on any request, storms of 409 PositionNotEqualToLength on
 * appends, and kills around the record (an AppendObject whose body has a "turn" or "done" line with the message's
 * id). A request belongs to the message whose id its appended lines carry, else to the message in flight on that
 * history object. Every object written under the history prefix is remembered, so the checks can read them all.
 */
export interface RecordAppend {
  msgId: string;
  seq: number;
  status: number;
}

export interface OssFaultDeps {
  book: FaultBook;
  kills: Kills;
  clock: () => number;
  inFlight: InFlight;
  bucket: string;
  historyPrefix: string;
  isSoakMessage: (id: string) => boolean;
}

export function ossFaults(deps: OssFaultDeps) {
  const records: RecordAppend[] = [];
  const writtenKeys = new Set<string>();

  const hook: FaultHook = async (request, forward, response) => {
    const { key, query } = target(request, deps.bucket);
    const append = request.method === 'POST' && query.has('append');
    if (key.startsWith(deps.historyPrefix) && (append || request.method === 'PUT')) writtenKeys.add(key);
    const lines = append ? appendedLines(request.body) : [];
    const msgId = lines.map((line) => line.id).find((id) => id !== undefined && deps.isSoakMessage(id)) ?? deps.inFlight.forKey(key);
    const isRecord = msgId !== undefined && lines.some((line) => line.id === msgId && (line.t === 'turn' || line.t === 'done'));
    if (await deps.kills.fencedOff(msgId)) return drop(response);
    if (isRecord && deps.book.take(msgId, 'kill-before-record')) {
      await deps.kills.kill(msgId, 'kill-before-record');
      return drop(response);
    }
    if (deps.book.take(msgId, 'oss-500')) return ossError(response, 500, 'InternalError', 'We encountered an internal error. Please try again.');
    if (append && deps.book.take(msgId, 'oss-409-storm')) {
      return ossError(response, 409, 'PositionNotEqualToLength', 'Position is not equal to file length');
    }
    const reply = await forward();
    if (isRecord) records.push({ msgId, seq: deps.clock(), status: reply.status });
    if (isRecord && deps.book.take(msgId, 'kill-after-record')) {
      await deps.kills.kill(msgId, 'kill-after-record');
      return drop(response);
    }
    await relay(response, reply);
  };
  return { hook, records, writtenKeys };
}

/** Bucket and key of a request: virtual-hosted (`<bucket>.oss-….aliyuncs.com`, what ali-oss sends to an IP) or path-style. */
function target(request: ProxiedRequest, bucket: string): { key: string; query: URLSearchParams } {
  const url = new URL(request.url, 'http://oss');
  const path = decodeURIComponent(url.pathname.slice(1));
  const virtual = String(request.headers.host ?? '').startsWith(`${bucket}.`);
  return { key: virtual ? path : path.slice(bucket.length + 1), query: url.searchParams };
}

function appendedLines(body: Buffer): Array<{ t?: string; id?: string }> {
  return body
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        const parsed = JSON.parse(line) as { t?: unknown; id?: unknown };
        return { ...(typeof parsed.t === 'string' ? { t: parsed.t } : {}), ...(typeof parsed.id === 'string' ? { id: parsed.id } : {}) };
      } catch {
        return {};
      }
    });
}

function ossError(response: Parameters<FaultHook>[2], status: number, code: string, message: string): void {
  const requestId = randomBytes(12).toString('hex').toUpperCase();
  const headers = { 'x-oss-request-id': requestId };
  if (response.req.method === 'HEAD') return void response.writeHead(status, headers).end();
  const xml = errorXml({ code, message }, requestId, 'soak-proxy');
  sendText(response, status, 'application/xml', xml, headers);
}
