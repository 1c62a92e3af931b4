import type { FcCredentials } from '../fc/context';
import { boolean, integer, optionalString, optionalUrl, requiredString, type Env } from './env';

/** The bucket settings both functions read under the same names (the callback keeps its signature records there). */
export interface OssSettings {
  bucket: string;
  region: string;
  endpoint: string | undefined;
  internal: boolean;
  timeoutMs: number;
}

export function ossSettings(env: Env, defaultTimeoutMs: number, maxTimeoutMs: number): OssSettings {
  return {
    bucket: requiredString(env, 'OSS_BUCKET'),
    // FC sets FC_REGION in every function: a bucket in the function's own region needs no setting.
    region: optionalString(env, 'OSS_REGION') ?? optionalString(env, 'FC_REGION') ?? requiredString(env, 'OSS_REGION'),
    endpoint: optionalUrl(env, 'OSS_ENDPOINT'),
    internal: boolean(env, 'OSS_INTERNAL', true),
    timeoutMs: integer(env, 'OSS_TIMEOUT_MS', defaultTimeoutMs, { min: 500, max: maxTimeoutMs }),
  };
}

/** What either OSS client (ali-oss in the worker, the lite one in the callback) takes, signed with one invocation's credentials. */
export function ossClientOptions(oss: OssSettings, credentials: FcCredentials) {
  return {
    bucket: oss.bucket,
    region: oss.region,
    ...(oss.endpoint ? { endpoint: oss.endpoint } : {}),
    internal: oss.internal,
    credentials,
    timeoutMs: oss.timeoutMs,
  };
}

/** 'a/b' → 'a/b/', '/a/' → 'a/', '' stays '' (the bucket root). */
export const normalizePrefix = (prefix: string): string =>
  (prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`).replace(/^\/+/, '');
