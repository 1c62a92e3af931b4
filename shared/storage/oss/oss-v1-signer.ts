import { createHmac } from 'node:crypto';

/**
 * OSS signature V1 (`Authorization: OSS <AccessKeyId>:<Signature>`), HMAC-SHA1 over VERB, Content-MD5,
 * Content-Type, Date, the sorted x-oss-* headers and the canonical resource `/<bucket>/<key>[?sub-resources]`.
 * V1 is what ali-oss 6 signs with by default, and it needs no date scope or region, so it stays a few lines.
 */
export interface OssV1Request {
  method: string;
  /** Lower-case header names; content-md5, content-type and x-oss-* are the signed ones. */
  headers: Readonly<Record<string, string>>;
  /** The value that stands for Date: the request's x-oss-date (as ali-oss sends it) or Date header. */
  date: string;
  bucket: string;
  /** The object key, not URL-encoded. */
  key: string;
  /** Sub-resources (append, position, …) that V1 signs; a parameter without a value is ''. */
  subResources?: Readonly<Record<string, string>>;
}

export function ossV1StringToSign(request: OssV1Request): string {
  const ossHeaders = Object.keys(request.headers)
    .filter((name) => name.startsWith('x-oss-'))
    .sort()
    .map((name) => `${name}:${(request.headers[name] ?? '').trim()}`);
  const sub = Object.entries(request.subResources ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => (value === '' ? name : `${name}=${value}`));
  const resource = `/${request.bucket}/${request.key}${sub.length > 0 ? `?${sub.join('&')}` : ''}`;
  return [
    request.method.toUpperCase(),
    request.headers['content-md5'] ?? '',
    request.headers['content-type'] ?? '',
    request.date,
    ...ossHeaders,
    resource,
  ].join('\n');
}

export function ossV1Authorization(accessKeyId: string, accessKeySecret: string, stringToSign: string): string {
  return `OSS ${accessKeyId}:${createHmac('sha1', accessKeySecret).update(stringToSign, 'utf8').digest('base64')}`;
}
