import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The parts of a request both signature versions cover. */
export interface SignedRequest {
  method: string;
  headers: IncomingHttpHeaders;
  bucket: string;
  key: string;
  query: ReadonlyMap<string, string>;
}

/** Query parameters V1 signs (OSS "CanonicalizedResource"); every other parameter is left out of the signature. */
const V1_SUB_RESOURCES = new Set(
  ('acl append asyncFetch bucketInfo callback callback-var cname comp continuation-token cors delete encryption endTime ' +
    'img inventory inventoryId lifecycle live location logging objectMeta partNumber policy position qos qosInfo ' +
    'referer replication replicationLocation replicationProgress requestPayment restore security-token sequential ' +
    'startTime stat status style styleName symlink tagging uploadId uploads versionId versioning versions vod website ' +
    'worm wormExtend wormId x-oss-process x-oss-request-payer x-oss-traffic-limit response-cache-control ' +
    'response-content-disposition response-content-encoding response-content-language response-content-type ' +
    'response-expires').split(' '),
);

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function ossHeaderLines(headers: IncomingHttpHeaders): string[] {
  return Object.keys(headers)
    .filter((name) => name.startsWith('x-oss-'))
    .sort()
    .map((name) => `${name}:${(headerValue(headers, name) ?? '').trim()}`);
}

/** V1: VERB, Content-MD5, Content-Type, Date, the x-oss-* headers, then /bucket/key with the signed sub-resources. */
export function v1StringToSign(request: SignedRequest, date: string): string {
  const subResources = [...request.query.keys()]
    .filter((name) => V1_SUB_RESOURCES.has(name))
    .sort()
    .map((name) => (request.query.get(name) ? `${name}=${request.query.get(name)}` : name));
  const resource = `/${request.bucket ? `${request.bucket}/` : ''}${request.key}`;
  return [
    request.method,
    headerValue(request.headers, 'content-md5') ?? '',
    headerValue(request.headers, 'content-type') ?? '',
    date,
    ...ossHeaderLines(request.headers),
    subResources.length > 0 ? `${resource}?${subResources.join('&')}` : resource,
  ].join('\n');
}

export function v1Signature(secret: string, stringToSign: string): string {
  return createHmac('sha1', secret).update(stringToSign, 'utf8').digest('base64');
}

/** RFC 3986 encoding, as OSS V4 canonicalisation wants it. */
function encode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface V4Scope {
  /** yyyymmdd */
  day: string;
  region: string;
  /** The request's x-oss-date, yyyymmddTHHMMSSZ. */
  timestamp: string;
  additionalHeaders: string[];
}

/** V4 (OSS4-HMAC-SHA256); undefined when a header named in AdditionalHeaders is missing from the request. */
export function v4StringToSign(request: SignedRequest, scope: V4Scope): string | undefined {
  const signedHeaders = new Set(scope.additionalHeaders);
  for (const name of Object.keys(request.headers)) {
    if (name === 'content-type' || name === 'content-md5' || name.startsWith('x-oss-')) signedHeaders.add(name);
  }
  if (scope.additionalHeaders.some((name) => headerValue(request.headers, name) === undefined)) return undefined;
  const canonicalHeaders = [...signedHeaders]
    .sort()
    .map((name) => `${name}:${(headerValue(request.headers, name) ?? '').trim()}\n`)
    .join('');
  const canonicalQuery = [...request.query.entries()]
    .map(([name, value]) => [encode(name), value === '' ? '' : encode(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => (value === '' ? name : `${name}=${value}`))
    .join('&');
  const canonicalRequest = [
    request.method,
    encode(`/${request.bucket ? `${request.bucket}/` : ''}${request.key}`).replace(/%2F/g, '/'),
    canonicalQuery,
    canonicalHeaders,
    scope.additionalHeaders.join(';'),
    headerValue(request.headers, 'x-oss-content-sha256') ?? 'UNSIGNED-PAYLOAD',
  ].join('\n');
  const hashed = createHash('sha256').update(canonicalRequest, 'utf8').digest('hex');
  return ['OSS4-HMAC-SHA256', scope.timestamp, `${scope.day}/${scope.region}/oss/aliyun_v4_request`, hashed].join('\n');
}

export function v4Signature(secret: string, scope: V4Scope, stringToSign: string): string {
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
  const dateKey = hmac(`aliyun_v4${secret}`, scope.day);
  const signingKey = hmac(hmac(hmac(dateKey, scope.region), 'oss'), 'aliyun_v4_request');
  return createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
}
