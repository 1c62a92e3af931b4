import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ObjectStore, StoredObject } from './object-store';
import { resolveRange } from './oss-range';
import type { OssOperation } from './oss-request';
import { ossError, type OssResponse } from './oss-response';
import { headerValue } from './oss-signature';

export interface OperationInput {
  operation: OssOperation;
  bucket: string;
  key: string;
  query: ReadonlyMap<string, string>;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function objectHeaders(object: StoredObject): Record<string, string> {
  return {
    'content-type': object.contentType,
    etag: object.etag,
    'last-modified': object.lastModified.toUTCString(),
    'accept-ranges': 'bytes',
    'x-oss-object-type': object.type,
    ...(object.type === 'Appendable' ? { 'x-oss-next-append-position': String(object.data.length) } : {}),
  };
}

const noSuchKey = (key: string) => ossError(404, 'NoSuchKey', 'The specified key does not exist.', { extra: [['Key', key]] });

async function get(store: ObjectStore, input: OperationInput, withBody: boolean): Promise<OssResponse> {
  const object = await store.get(input.bucket, input.key);
  if (!object) return noSuchKey(input.key);
  const size = object.data.length;
  const range = withBody ? resolveRange(headerValue(input.headers, 'range'), size) : undefined;
  const body = range ? object.data.subarray(range.start, range.end + 1) : object.data;
  const headers: Record<string, string> = { ...objectHeaders(object), 'content-length': String(body.length) };
  if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${size}`;
  return withBody ? { status: range ? 206 : 200, headers, body } : { status: 200, headers };
}

async function put(store: ObjectStore, input: OperationInput): Promise<OssResponse> {
  const forbid = (headerValue(input.headers, 'x-oss-forbid-overwrite') ?? 'false').toLowerCase();
  if (forbid !== 'true' && forbid !== 'false') {
    return ossError(400, 'InvalidArgument', 'x-oss-forbid-overwrite must be true or false.');
  }
  const contentType = headerValue(input.headers, 'content-type') ?? 'application/octet-stream';
  const outcome = await store.put(input.bucket, input.key, { data: input.body, contentType, forbidOverwrite: forbid === 'true' });
  if (outcome.kind === 'exists') return ossError(409, 'FileAlreadyExists', 'The object you specified already exists and can not be overwritten.');
  return { status: 200, headers: { etag: outcome.object.etag } };
}

async function append(store: ObjectStore, input: OperationInput): Promise<OssResponse> {
  const position = input.query.get('position') ?? '';
  if (!/^\d+$/.test(position)) return ossError(400, 'InvalidArgument', 'Position is missing or is not a non-negative integer.');
  const contentType = headerValue(input.headers, 'content-type') ?? 'application/octet-stream';
  const outcome = await store.append(input.bucket, input.key, { data: input.body, contentType, position: Number(position) });
  const next = { 'x-oss-next-append-position': String(outcome.kind === 'appended' ? outcome.object.data.length : outcome.length) };
  switch (outcome.kind) {
    case 'position-mismatch':
      return ossError(409, 'PositionNotEqualToLength', 'Position is not equal to file length.', { headers: next });
    case 'not-appendable':
      return ossError(409, 'ObjectNotAppendable', 'The object is not appendable.');
    case 'appended':
      return { status: 200, headers: { ...next, etag: outcome.object.etag } };
  }
}

/** Runs one authenticated object operation against the store. */
export async function runOperation(store: ObjectStore, input: OperationInput): Promise<OssResponse> {
  const md5 = headerValue(input.headers, 'content-md5');
  if (md5 !== undefined && md5 !== createHash('md5').update(input.body).digest('base64')) {
    return ossError(400, 'InvalidDigest', 'The Content-MD5 you specified is not valid.');
  }
  switch (input.operation) {
    case 'GetObject':
      return get(store, input, true);
    case 'HeadObject':
      return get(store, input, false);
    case 'PutObject':
      return put(store, input);
    case 'AppendObject':
      return append(store, input);
    case 'DeleteObject':
      await store.remove(input.bucket, input.key);
      return { status: 204, headers: {} };
    case 'Unsupported':
      return ossError(501, 'NotImplemented', 'This operation is not implemented by the local OSS server.');
  }
}
