import { isIP } from 'node:net';
import OSS from 'ali-oss';
import type { OssTransport } from './urllib-transport';

export interface OssClientOptions {
  bucket: string;
  /** 'cn-hangzhou' or 'oss-cn-hangzhou'. */
  region: string;
  /** A URL (e.g. http://127.0.0.1:4569); the client then talks to exactly that host. */
  endpoint?: string;
  /** Use the region's -internal endpoint, as a function inside FC should (no Internet egress). */
  internal?: boolean;
  credentials: { accessKeyId: string; accessKeySecret: string; securityToken?: string };
  timeoutMs: number;
  /**
   * The HTTP client, built once per instance so kept-alive sockets outlive the per-invocation clients. Without one
   * ali-oss uses its own urllib, which only code running from node_modules has (tools, the benchmark): the function
   * bundles leave urllib out (esbuild.config.ts), so the worker must pass one.
   */
  transport?: OssTransport;
}

/** `sldEnable` (path-style addressing), `retryMax` and `urllib` exist at runtime but are missing from @types/ali-oss. */
type ClientOptions = OSS.Options & { sldEnable?: boolean; retryMax?: number; urllib?: OssTransport };

function ossRegion(region: string): string {
  const normalized = region.startsWith('oss-') ? region : `oss-${region}`;
  if (!/^oss-[a-z0-9-]+$/.test(normalized)) throw new TypeError(`OSS region "${region}" is not like cn-hangzhou`);
  return normalized;
}

/**
 * How to reach an explicit endpoint. ali-oss prefixes the bucket to a hostname (`chat.localhost`, which does not
 * resolve) but not to an IP, where it puts `<bucket>.<region>.aliyuncs.com` in the Host header instead; so an
 * aliyuncs.com or IP endpoint keeps ali-oss's default and any other host gets path-style `/<bucket>/<key>`.
 */
function endpointOptions(endpoint: string): Pick<ClientOptions, 'endpoint' | 'secure' | 'sldEnable'> {
  const url = new URL(endpoint);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`OSS endpoint ${endpoint} is not http(s)`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const pathStyle = isIP(host) === 0 && !host.endsWith('.aliyuncs.com');
  return { endpoint: url.origin, secure: url.protocol === 'https:', ...(pathStyle ? { sldEnable: true } : {}) };
}

/** An ali-oss client for one bucket, built per invocation from the function's (possibly STS) credentials. */
export function createOssClient(options: OssClientOptions): OSS {
  const { accessKeyId, accessKeySecret, securityToken } = options.credentials;
  const clientOptions: ClientOptions = {
    accessKeyId,
    accessKeySecret,
    bucket: options.bucket,
    region: ossRegion(options.region),
    internal: options.internal ?? false,
    // ali-oss defaults to plain HTTP; real endpoints get HTTPS unless an explicit http:// endpoint says otherwise.
    secure: true,
    timeout: options.timeoutMs,
    ...(options.transport ? { urllib: options.transport } : {}),
    // No transport-level retries: an append that landed but whose answer was lost would come back as a 409 on the
    // retry. The history layer already treats 409 as "look again", so retrying is its decision, not the client's.
    retryMax: 0,
    ...(options.endpoint === undefined ? {} : endpointOptions(options.endpoint)),
    ...(securityToken
      ? {
          stsToken: securityToken,
          // Only silences ali-oss's console.warn about refreshSTSToken: with no refresh function nothing is
          // refreshed, and clients are built per invocation from fresh FC credentials anyway.
          refreshSTSTokenInterval: 3_600_000,
        }
      : {}),
  };
  return new OSS(clientOptions);
}
