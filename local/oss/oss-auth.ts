import { timingSafeEqual } from 'node:crypto';
import { ossError, type OssResponse } from './oss-response';
import { headerValue, v1Signature, v1StringToSign, v4Signature, v4StringToSign, type SignedRequest } from './oss-signature';

export interface OssCredential {
  accessKeyId: string;
  accessKeySecret: string;
  /** Set for STS credentials: requests must then carry the same x-oss-security-token. */
  securityToken?: string;
}

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const mismatch = (accessKeyId: string, stringToSign: string): OssResponse =>
  ossError(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', {
    extra: [['OSSAccessKeyId', accessKeyId], ['StringToSign', stringToSign]],
  });

function checkToken(request: SignedRequest, credential: OssCredential): OssResponse | undefined {
  const token = headerValue(request.headers, 'x-oss-security-token');
  if (credential.securityToken === undefined) {
    if (token === undefined) return undefined;
    return ossError(403, 'AccessKeyIdAndSecurityTokenNotMatch', 'The OSS access key id and security token you provided does not match.');
  }
  if (token === undefined) return ossError(403, 'InvalidAccessKeyId', 'The OSS Access Key Id you provided does not exist in our records.');
  if (!same(token, credential.securityToken)) return ossError(403, 'InvalidSecurityToken', 'The security token you provided is invalid.');
  return undefined;
}

function checkV1(request: SignedRequest, credential: OssCredential, signature: string): OssResponse | undefined {
  // ali-oss puts x-oss-date where V1 has Date and sends no Date header; other SDKs send Date. Either is signed.
  const dates = [headerValue(request.headers, 'x-oss-date'), headerValue(request.headers, 'date')].filter((d) => d !== undefined);
  if (dates.length === 0) return ossError(403, 'AccessDenied', 'OSS authentication requires a valid Date.');
  const candidates = dates.map((date) => v1StringToSign(request, date));
  if (candidates.some((text) => same(v1Signature(credential.accessKeySecret, text), signature))) return undefined;
  return mismatch(credential.accessKeyId, candidates[0] ?? '');
}

function checkV4(request: SignedRequest, credential: OssCredential, fields: Map<string, string>, scope: string[]): OssResponse | undefined {
  const [, day = '', region = '', product, terminator] = scope;
  const timestamp = headerValue(request.headers, 'x-oss-date') ?? '';
  if (product !== 'oss' || terminator !== 'aliyun_v4_request' || !/^\d{8}$/.test(day) || !timestamp.startsWith(`${day}T`)) {
    return ossError(403, 'AccessDenied', 'Invalid credential scope or x-oss-date in the V4 authorization.');
  }
  const additional = fields.get('AdditionalHeaders');
  const v4Scope = { day, region, timestamp, additionalHeaders: additional ? additional.toLowerCase().split(';') : [] };
  const stringToSign = v4StringToSign(request, v4Scope);
  if (stringToSign !== undefined && same(v4Signature(credential.accessKeySecret, v4Scope, stringToSign), fields.get('Signature') ?? '')) {
    return undefined;
  }
  return mismatch(credential.accessKeyId, stringToSign ?? '');
}

/** "Credential=ak/day/region/oss/aliyun_v4_request,AdditionalHeaders=host,Signature=hex" as a map. */
function v4Fields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of text.split(',')) {
    const item = part.trim();
    const eq = item.indexOf('=');
    if (eq > 0) fields.set(item.slice(0, eq), item.slice(eq + 1));
  }
  return fields;
}

/** Verifies the Authorization header as OSS does; undefined when the request is authentic, else the error to send. */
export function authenticate(request: SignedRequest, credentials: readonly OssCredential[]): OssResponse | undefined {
  const authorization = headerValue(request.headers, 'authorization');
  if (authorization === undefined) {
    return ossError(403, 'AccessDenied', 'You have no right to access this object because of bucket acl.');
  }
  const v1 = /^OSS ([^:\s]+):(\S+)$/.exec(authorization);
  const v4 = /^OSS4-HMAC-SHA256 (.+)$/.exec(authorization);
  const fields = v4Fields(v4?.[1] ?? '');
  const scope = (fields.get('Credential') ?? '').split('/');
  const accessKeyId = v1?.[1] ?? (v4 ? scope[0] : undefined);
  if (accessKeyId === undefined || accessKeyId === '') {
    return ossError(400, 'InvalidArgument', 'Authorization header is invalid.');
  }
  const credential = credentials.find((c) => c.accessKeyId === accessKeyId);
  if (!credential) return ossError(403, 'InvalidAccessKeyId', 'The OSS Access Key Id you provided does not exist in our records.');
  return checkToken(request, credential) ?? (v1 ? checkV1(request, credential, v1[2] ?? '') : checkV4(request, credential, fields, scope));
}
