import { createHash, timingSafeEqual } from 'node:crypto';
import { acs3Authorization, sha256Hex } from '../../shared/fc/acs3-signer';
import type { FcCredentials } from '../../shared/fc/context';

/**
 * The server half of ACS3-HMAC-SHA256, for the local InvokeFunction API (invoke-api.ts): it refuses what FC would
 * refuse, so the callback's own signer (shared/fc/acs3-signer.ts) is checked on every local invocation.
 */

/** FC answers a request signed more than 15 minutes away from its clock with 403. */
const MAX_ACS_DATE_SKEW_MS = 15 * 60 * 1000;

export type Acs3FailureCode =
  | 'MissingRequiredHeader'
  | 'InvalidAccessKeyID'
  | 'SignatureNotMatch'
  | 'InvalidSecurityToken'
  | 'RequestTimeTooSkewed';

export type Acs3Verification =
  | { ok: true; accessKeyId: string }
  | { ok: false; code: Acs3FailureCode; message: string };

export interface Acs3VerifyInput {
  method: string;
  /** The path as received, still percent-encoded. */
  path: string;
  /** Decoded query parameters. */
  query: Readonly<Record<string, string>>;
  /** Node's `req.headers`: names already in lower case. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Uint8Array;
  findCredentials: (accessKeyId: string) => FcCredentials | undefined;
  now: Date;
  maxSkewMs?: number;
}

const AUTHORIZATION = /^ACS3-HMAC-SHA256 Credential=([^,\s]+),SignedHeaders=([^,\s]*),Signature=([0-9a-f]{64})$/;

/** The server half: recompute the Authorization from what arrived and compare in constant time. */
export function verifyAcs3Request(input: Acs3VerifyInput): Acs3Verification {
  const headers = flattenHeaders(input.headers);
  const authorization = headers['authorization']?.trim();
  const date = headers['x-acs-date'];
  if (!authorization) return fail('MissingRequiredHeader', 'required HTTP header Authorization was not specified');
  if (!date) return fail('MissingRequiredHeader', 'required HTTP header x-acs-date was not specified');
  const accessKeyId = AUTHORIZATION.exec(authorization)?.[1];
  if (!accessKeyId) return fail('SignatureNotMatch', 'the Authorization header is not ACS3-HMAC-SHA256');
  const credentials = input.findCredentials(accessKeyId);
  if (!credentials) return fail('InvalidAccessKeyID', 'invalid access key ID');
  const expected = acs3Authorization({ ...input, headers, payloadHash: sha256Hex(input.body), credentials });
  if (!safeEqual(authorization, expected)) {
    return fail('SignatureNotMatch', 'The request signature we calculated does not match the signature you provided');
  }
  const token = headers['x-acs-security-token'];
  const expectedToken = credentials.securityToken;
  const tokenOk = expectedToken ? token !== undefined && safeEqual(token, expectedToken) : token === undefined;
  if (!tokenOk) return fail('InvalidSecurityToken', 'the security token does not belong to this access key');
  const skew = Math.abs(input.now.getTime() - Date.parse(date));
  if (!(skew <= (input.maxSkewMs ?? MAX_ACS_DATE_SKEW_MS))) {
    return fail('RequestTimeTooSkewed', 'the difference between the request time and the server time is too large');
  }
  return { ok: true, accessKeyId };
}

function fail(code: Acs3FailureCode, message: string): Acs3Verification {
  return { ok: false, code, message };
}

function flattenHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return flat;
}

/** Equal-time comparison of two strings of any length (hashing first evens out the lengths). */
function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
