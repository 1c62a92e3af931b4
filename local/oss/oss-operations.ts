import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ObjectMeta, ObjectStore } from './object-store';
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

function objectHeaders(object: ObjectMeta): Record<string, string> {
  return {
    'content-type': object.contentType,
    etag: object.etag,
    'last-modified': object.lastModified.toUTCString(),
    'accept-ranges': 'bytes',
    'x-oss-object-type': object.type,
    ...(object.type === 'Appendable' ? { 'x-oss-next-append-position': String(object.length) } : {}),
  };
}

const noSuchKey = (key: string) => ossError(404, 'NoSuchKey', 'The specified key does not exist.', { extra: [['Key', key]] });

async function get(store: ObjectStore, input: OperationInput): Promise<OssResponse> {
  const standard = (headerValue(input.headers, 'x-oss-range-behavior') ?? '').toLowerCase() === 'standard';
  let unsatisfiable = false;
  const read = await store.get(input.bucket, input.key, (size) => {
    const answer = resolveRange(headerValue(input.headers, 'range'), size, standard);
    unsatisfiable = answer === 'unsatisfiable';
    return typeof answer === 'string' ? undefined : answer;
  });
  if (!read) return noSuchKey(input.key);
  if (unsatisfiable) return ossError(416, 'InvalidRange', 'The requested range cannot be satisfied.');
  const { object, range, data } = read;
  const headers: Record<string, string> = { ...objectHeaders(object), 'content-length': String(data.length) };
  if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${object.length}`;
  return { status: range ? 206 : 200, headers, body: data };
}

async function head(store: ObjectStore, input: OperationInput): Promise<OssResponse> {
  const object = await store.head(input.bucket, input.key);
  if (!object) return noSuchKey(input.key);
  return { status: 200, headers: { ...objectHeaders(object), 'content-length': String(object.length) } };
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
  const next = { 'x-oss-next-append-position': String(outcome.kind === 'appended' ? outcome.object.length : outcome.length) };
  switch (outcome.kind) {
    case 'position-mismatch':
      return ossError(409, 'PositionNotEqualToLength', 'Position is not equal to file length.', { headers: next });
    case 'not-appendable':
      return ossError(409, 'ObjectNotAppendable', 'The object is not appendable.');
    case 'too-large':
      // UNCONFIRMED: OSS documents the 5 GB limit of appendable objects but no error code for crossing it; this is
      // the code OSS answers an upload beyond its maximum object size with.
      return ossError(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed object size.');
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
      return get(store, input);
    case 'HeadObject':
      return head(store, input);
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
