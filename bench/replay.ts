import { Agent, request } from 'node:http';
import { ossV1Authorization, ossV1StringToSign } from '../shared/storage/oss/oss-v1-signer';
import type { LoggedRequest, StandInName, StandInUrls } from './stand-ins/protocol';

/**
 * The fair floors: a function's own requests, taken from the stand-ins' logs, sent again with plain node:http on a
 * keep-alive agent, same method, path, headers and body, to the same servers, so each server does the same work
 * again. OSS requests go to a twin bucket kept identical to the function's, re-signed for it beforehand (prepare
 * runs outside the timed span; send is the timed part).
 */
export interface PreparedRequest {
  url: URL;
  method: string;
  headers: Record<string, string | string[]>;
  body: Buffer;
  /** What the original request was answered; the replay must get the same. */
  status: number;
}

/** Sub-resources OSS V1 signs that a history store's requests can carry. */
const V1_SUB_RESOURCES = new Set(['append', 'position', 'acl', 'tagging', 'versionId', 'uploadId', 'partNumber', 'symlink', 'objectMeta']);
const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value.join(',') : value);

export interface OssTwin {
  from: string;
  to: string;
  credential: { accessKeyId: string; accessKeySecret: string };
}

/**
 * The same OSS request for the twin bucket: the bucket swapped in the Host header (virtual-hosted, as ali-oss sends
 * to an IP endpoint) or in the first path segment (path style), and the V1 signature computed again for it.
 */
export function retargetOss(entry: LoggedRequest, twin: OssTwin): LoggedRequest {
  const headers = { ...entry.headers };
  const host = single(headers['host']) ?? '';
  const queryAt = entry.path.indexOf('?');
  let path = queryAt < 0 ? entry.path : entry.path.slice(0, queryAt);
  const query = queryAt < 0 ? '' : entry.path.slice(queryAt + 1);
  if (host.split('.')[0] === twin.from) {
    headers['host'] = `${twin.to}${host.slice(twin.from.length)}`;
  } else if (path.startsWith(`/${twin.from}/`)) {
    path = `/${twin.to}${path.slice(twin.from.length + 1)}`;
  } else {
    throw new Error(`OSS request ${entry.method} ${entry.path} (host ${host}) is not for bucket ${twin.from}`);
  }
  const authorization = single(headers['authorization']) ?? '';
  if (!authorization.startsWith('OSS ')) throw new Error(`only OSS V1 signatures can be re-signed, not "${authorization.split(' ')[0]}"`);
  const date = single(headers['x-oss-date']) ?? single(headers['date']);
  if (date === undefined) throw new Error(`OSS request ${entry.method} ${entry.path} has no date to sign`);
  const keyPath = headers['host'] === host ? path.slice(twin.to.length + 2) : path.slice(1);
  const subResources: Record<string, string> = {};
  for (const part of query.split('&')) {
    const [name = '', value = ''] = part.split('=').map(decodeURIComponent);
    if (V1_SUB_RESOURCES.has(name)) subResources[name] = value;
  }
  const signed: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) signed[name] = single(value) ?? '';
  const stringToSign = ossV1StringToSign({ method: entry.method, headers: signed, date, bucket: twin.to, key: decodeURIComponent(keyPath), subResources });
  headers['authorization'] = ossV1Authorization(twin.credential.accessKeyId, twin.credential.accessKeySecret, stringToSign);
  return { ...entry, path: `${path}${queryAt < 0 ? '' : `?${query}`}`, headers };
}

/** Ready-to-send requests: OSS ones for `twin`, the others as they were, each to its stand-in's address. */
export function prepareReplay(entries: readonly LoggedRequest[], urls: StandInUrls, twin: OssTwin): PreparedRequest[] {
  const origin: Record<StandInName, string> = { oss: urls.oss, openai: new URL(urls.openai).origin, dingtalk: urls.dingtalk, fc: urls.fc };
  return entries.map((original) => {
    const entry = original.server === 'oss' ? retargetOss(original, twin) : original;
    const body = Buffer.from(entry.body, 'base64');
    const headers = { ...entry.headers };
    // The agent manages the connection; a body first sent in chunks goes with its length.
    delete headers['connection'];
    delete headers['transfer-encoding'];
    if (body.length > 0 || headers['content-length'] !== undefined) headers['content-length'] = String(body.length);
    return { url: new URL(entry.path, origin[entry.server]), method: entry.method, headers, body, status: entry.status };
  });
}

function sendOne(agent: Agent, prepared: PreparedRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(prepared.url, { method: prepared.method, headers: prepared.headers, agent }, (res) =>
      res.on('end', () => resolve(res.statusCode ?? 0)).on('error', reject).resume(),
    );
    req.on('error', reject).end(prepared.body);
  });
}

/** Sends the requests one after the other, each answer read whole; resolves with the statuses, in order. */
export async function sendReplay(agent: Agent, requests: readonly PreparedRequest[]): Promise<number[]> {
  const statuses: number[] = [];
  for (const prepared of requests) statuses.push(await sendOne(agent, prepared));
  return statuses;
}

/** Throws unless every replayed request was answered as the original was (a floor that failed would be too cheap). */
export function checkReplay(requests: readonly PreparedRequest[], statuses: readonly number[]): void {
  requests.forEach((prepared, index) => {
    if (statuses[index] !== prepared.status) {
      throw new Error(`replayed ${prepared.method} ${prepared.url.pathname} answered ${statuses[index]}, the original ${prepared.status}`);
    }
  });
}
