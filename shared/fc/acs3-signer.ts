import { createHash, createHmac } from 'node:crypto';
import type { FcCredentials } from './context';

/**
 * ACS3-HMAC-SHA256 exactly as @alicloud/openapi-core (under @alicloud/fc20230330) computes it for InvokeFunction:
 * `doRequest` assembles the headers, `Utils.getAuthorization` signs every `x-acs-*` header plus `host` and
 * `content-type`. test/unit/shared/fc/acs3-signer.test.ts runs the real SDK and compares the result byte for byte.
 * The server half, which only the local FC stand-in needs, is local/fc/acs3-verifier.ts.
 */
export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';
export const FC_API_VERSION = '2023-03-30';

export interface InvokeSigningInput {
  method: string;
  /** `host[:port]` exactly as the Host header will carry it. */
  host: string;
  /** Already percent-encoded, as it goes on the request line. */
  path: string;
  query: Readonly<Record<string, string>>;
  /** Unsigned extras such as `x-fc-invocation-type`; names in lower case. */
  headers: Readonly<Record<string, string>>;
  body: Uint8Array;
  credentials: FcCredentials;
  /** The `x-acs-date` value, see formatAcsDate. */
  date: string;
  nonce: string;
}

/** `2026-01-02T03:04:05Z`: the SDK's getTimestamp drops the milliseconds. */
export function formatAcsDate(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** All headers of an InvokeFunction request, names in lower case, Authorization included. */
export function signInvokeRequest(input: InvokeSigningInput): Record<string, string> {
  const { credentials } = input;
  const token = credentials.securityToken;
  const payloadHash = sha256Hex(input.body);
  const headers: Record<string, string> = {
    host: input.host,
    'x-acs-version': FC_API_VERSION,
    'x-acs-action': 'InvokeFunction',
    'x-acs-date': input.date,
    'x-acs-signature-nonce': input.nonce,
    accept: 'application/json',
    ...input.headers,
    // The SDK streams the body and labels it so; content-type is signed, so it must match byte for byte.
    'content-type': 'application/octet-stream',
    'x-acs-content-sha256': payloadHash,
    // Signed telemetry the SDK adds from its credential provider; kept so our requests look like the SDK's.
    'x-acs-credentials-provider': token ? 'static_sts' : 'static_ak',
  };
  if (token) {
    headers['x-acs-accesskey-id'] = credentials.accessKeyId;
    headers['x-acs-security-token'] = token;
  }
  headers['authorization'] = acs3Authorization({ ...input, headers, payloadHash });
  return headers;
}

export interface AuthorizationInput {
  method: string;
  path: string;
  query: Readonly<Record<string, string>>;
  headers: Readonly<Record<string, string | undefined>>;
  payloadHash: string;
  credentials: Pick<FcCredentials, 'accessKeyId' | 'accessKeySecret'>;
}

export function acs3Authorization(input: AuthorizationInput): string {
  const { method, path, query, headers, payloadHash, credentials } = input;
  const { canonicalHeaders, signedHeaders } = canonicalizeHeaders(headers);
  const canonicalRequest = [
    method,
    path.replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/g, '~'),
    canonicalQuery(query),
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join('\n');
  const stringToSign = `${ACS3_ALGORITHM}\n${sha256Hex(Buffer.from(canonicalRequest, 'utf8'))}`;
  const signature = createHmac('sha256', credentials.accessKeySecret).update(stringToSign).digest('hex');
  const { accessKeyId } = credentials;
  return `${ACS3_ALGORITHM} Credential=${accessKeyId},SignedHeaders=${signedHeaders},Signature=${signature}`;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

// Keys stay raw and values get RFC 3986 encoding: that asymmetry is the SDK's getAuthorizationQueryString.
function canonicalQuery(query: Readonly<Record<string, string>>): string {
  return Object.keys(query)
    .sort()
    .map((key) => `${key}=${rfc3986(query[key] ?? '')}`)
    .join('&');
}

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

// The trailing "\n" after the last header plus the join's "\n" gives the blank line the SDK's format has.
function canonicalizeHeaders(headers: Readonly<Record<string, string | undefined>>) {
  const names = Object.keys(headers)
    .filter((name) => name.startsWith('x-acs-') || name === 'host' || name === 'content-type')
    .sort();
  const canonicalHeaders = names.map((name) => `${name}:${(headers[name] ?? '').trim()}\n`).join('');
  return { canonicalHeaders, signedHeaders: names.join(';') };
}
