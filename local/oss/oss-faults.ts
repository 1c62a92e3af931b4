import type { ObjectStore } from './object-store';
import type { OssOperation, OssTarget } from './oss-request';
import { ossError, type OssResponse } from './oss-response';

/** What a fault hook sees of an authenticated request, before the operation runs. */
export interface OssFaultRequest {
  method: string;
  bucket: string;
  key: string;
  operation: OssOperation;
  /** AppendObject's `position`, when it is a valid one. */
  position?: number;
}

/** An error to answer instead of (or, with `afterOperation`, after) running the operation, as OSS would send it. */
export interface OssInjectedFault {
  status: number;
  /** OSS error code, e.g. InternalError, ServiceUnavailable, PositionNotEqualToLength, RequestTimeTooSkewed. */
  code: string;
  message?: string;
  /** Added to the answer. An injected PositionNotEqualToLength gets the object's real next append position by default. */
  headers?: Record<string, string>;
  /** Run the operation, then answer the error anyway: a write that happened although its answer says it failed. */
  afterOperation?: boolean;
}

/** Called once per authenticated request; undefined lets the request through. */
export type OssFaults = (request: OssFaultRequest) => OssInjectedFault | undefined | Promise<OssInjectedFault | undefined>;

export function faultRequest(method: string, target: OssTarget, operation: OssOperation): OssFaultRequest {
  const request = { method, bucket: target.bucket, key: target.key, operation };
  const position = target.query.get('position') ?? '';
  return operation === 'AppendObject' && /^\d+$/.test(position) ? { ...request, position: Number(position) } : request;
}

const MESSAGES: Record<string, string> = {
  InternalError: 'We encountered an internal error. Please try again.',
  ServiceUnavailable: 'Please reduce your request rate.',
  PositionNotEqualToLength: 'Position is not equal to file length.',
  ObjectNotAppendable: 'The object is not appendable.',
};

export async function injectedResponse(fault: OssInjectedFault, request: OssFaultRequest, store: ObjectStore): Promise<OssResponse> {
  const headers = { ...fault.headers };
  if (request.operation === 'AppendObject' && fault.code === 'PositionNotEqualToLength' && !('x-oss-next-append-position' in headers)) {
    headers['x-oss-next-append-position'] = String((await store.head(request.bucket, request.key))?.length ?? 0);
  }
  return ossError(fault.status, fault.code, fault.message ?? MESSAGES[fault.code] ?? `Injected ${fault.code}.`, { headers });
}
