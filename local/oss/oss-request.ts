import { isIP } from 'node:net';

export type OssOperation = 'GetObject' | 'PutObject' | 'HeadObject' | 'DeleteObject' | 'AppendObject' | 'Unsupported';

export interface OssTarget {
  /** '' when the request names no bucket (a service-level request). */
  bucket: string;
  /** Decoded object key; '' for a bucket-level request. */
  key: string;
  style: 'virtual-hosted' | 'path';
  /** Decoded query parameters; a parameter without a value ("?append") has ''. */
  query: ReadonlyMap<string, string>;
}

function decode(text: string): string {
  return decodeURIComponent(text);
}

/** RFC 3986 decoding rather than URLSearchParams, which would turn '+' into a space unlike OSS. */
function parseQuery(search: string): Map<string, string> {
  const query = new Map<string, string>();
  for (const part of search.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    query.set(decode(eq < 0 ? part : part.slice(0, eq)), eq < 0 ? '' : decode(part.slice(eq + 1)));
  }
  return query;
}

function hostname(hostHeader: string | undefined): string {
  const host = (hostHeader ?? '').trim().toLowerCase();
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}

/**
 * The bucket comes from the Host header when it is `<bucket>.oss-<region>[-internal].aliyuncs.com` (what ali-oss sends
 * to an IP endpoint) or `<known bucket>.<anything>`; otherwise from the first path segment (ali-oss `sldEnable`).
 * Throws URIError on malformed percent-encoding.
 */
export function parseTarget(rawUrl: string, hostHeader: string | undefined, buckets: readonly string[]): OssTarget {
  const queryStart = rawUrl.indexOf('?');
  const path = queryStart < 0 ? rawUrl : rawUrl.slice(0, queryStart);
  const query = parseQuery(queryStart < 0 ? '' : rawUrl.slice(queryStart + 1));
  const name = hostname(hostHeader);
  const labels = name.split('.');
  const first = labels[0] ?? '';
  const isOssHost = name.endsWith('.aliyuncs.com') && (labels[1] ?? '').startsWith('oss-');
  if (isIP(name) === 0 && labels.length > 1 && (isOssHost || buckets.includes(first))) {
    return { bucket: first, key: decode(path.replace(/^\//, '')), style: 'virtual-hosted', query };
  }
  const rest = path.replace(/^\//, '');
  const slash = rest.indexOf('/');
  const bucket = decode(slash < 0 ? rest : rest.slice(0, slash));
  return { bucket, key: slash < 0 ? '' : decode(rest.slice(slash + 1)), style: 'path', query };
}

/** Only the object operations a history store needs; anything else is answered 501 by the server. */
export function operationOf(method: string, target: OssTarget): OssOperation {
  if (target.key === '') return 'Unsupported';
  if (method === 'POST' && target.query.has('append')) return 'AppendObject';
  // Sub-resources (acl, tagging, versionId, response-* overrides…) are operations or options this emulator lacks.
  if (target.query.size > 0) return 'Unsupported';
  switch (method) {
    case 'GET':
      return 'GetObject';
    case 'PUT':
      return 'PutObject';
    case 'HEAD':
      return 'HeadObject';
    case 'DELETE':
      return 'DeleteObject';
    default:
      return 'Unsupported';
  }
}
