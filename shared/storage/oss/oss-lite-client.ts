import { createHash } from 'node:crypto';
import type { Agent } from 'node:http';
import { isIP } from 'node:net';
import { StorageError } from '../../errors';
import type { FcCredentials } from '../../fc/context';
import { boundedRequest, type BoundedReply } from '../../http/bounded-request';
import { networkReason } from '../../http/network-reason';
import { ossV1Authorization, ossV1StringToSign } from './oss-v1-signer';

/**
 * The two OSS object calls the callback needs (AppendObject, GetObject), hand-written over node:http(s) because the
 * callback must acknowledge DingTalk fast from a cold start and requiring ali-oss alone costs ~60 ms there. Endpoint
 * rules mirror shared/storage/oss/oss-client.ts (what ali-oss does): no endpoint → `<bucket>.oss-<region>[-internal]
 * .aliyuncs.com` over https; an aliyuncs.com endpoint → the bucket as a subdomain; an IP → that address with the
 * bucket's OSS host in the Host header; any other host → path-style `/<bucket>/<key>`.
 */
export interface OssLiteOptions {
  bucket: string;
  /** 'cn-hangzhou' or 'oss-cn-hangzhou'. */
  region: string;
  endpoint?: string;
  internal?: boolean;
  credentials: FcCredentials;
  timeoutMs: number;
  agent?: Agent;
  now?: () => Date;
}

export type AppendOutcome = { kind: 'appended'; nextPosition: number } | { kind: 'position-mismatch'; nextPosition: number };

export interface OssLiteClient {
  /** AppendObject at `position`; position 0 on a missing key creates it. Other failures throw StorageError. */
  append(key: string, data: Buffer, position: number, contentType: string): Promise<AppendOutcome>;
  /** The object's bytes, or undefined when it does not exist; throws StorageError above `maxBytes`. */
  get(key: string, maxBytes: number): Promise<Buffer | undefined>;
}

const ERROR_BODY_BYTES = 4096;

interface Target {
  url: URL;
  host: string;
  pathOf: (key: string) => string;
}

function resolveTarget(options: OssLiteOptions): Target {
  const region = options.region.startsWith('oss-') ? options.region : `oss-${options.region}`;
  if (!/^oss-[a-z0-9-]+$/.test(region)) throw new StorageError(`OSS region "${options.region}" is not like cn-hangzhou`);
  const objectPath = (key: string) => `/${key.split('/').map(encodeURIComponent).join('/')}`;
  if (options.endpoint === undefined) {
    const host = `${options.bucket}.${region}${options.internal ? '-internal' : ''}.aliyuncs.com`;
    return { url: new URL(`https://${host}`), host, pathOf: objectPath };
  }
  const endpoint = new URL(options.endpoint);
  const hostname = endpoint.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(hostname) !== 0) return { url: endpoint, host: `${options.bucket}.${region}.aliyuncs.com`, pathOf: objectPath };
  if (hostname.endsWith('.aliyuncs.com')) {
    const url = new URL(`${endpoint.protocol}//${options.bucket}.${endpoint.host}`);
    return { url, host: url.host, pathOf: objectPath };
  }
  return { url: endpoint, host: endpoint.host, pathOf: (key) => `/${encodeURIComponent(options.bucket)}${objectPath(key)}` };
}

export function createOssLiteClient(options: OssLiteOptions): OssLiteClient {
  const target = resolveTarget(options);
  const now = options.now ?? (() => new Date());
  const { accessKeyId, accessKeySecret, securityToken } = options.credentials;

  async function call(method: string, key: string, sub: Record<string, string>, body: Buffer | undefined, extra: Record<string, string>, maxBodyBytes: number): Promise<BoundedReply> {
    const date = now().toUTCString();
    const headers: Record<string, string> = {
      ...extra,
      'x-oss-date': date,
      ...(securityToken ? { 'x-oss-security-token': securityToken } : {}),
    };
    const stringToSign = ossV1StringToSign({ method, headers, date, bucket: options.bucket, key, subResources: sub });
    headers['authorization'] = ossV1Authorization(accessKeyId, accessKeySecret, stringToSign);
    headers['host'] = target.host;
    const query = Object.entries(sub).map(([name, value]) => (value === '' ? name : `${name}=${encodeURIComponent(value)}`));
    try {
      return await boundedRequest({
        url: target.url, method, path: `${target.pathOf(key)}${query.length > 0 ? `?${query.join('&')}` : ''}`,
        headers, ...(body ? { body } : {}), signal: AbortSignal.timeout(options.timeoutMs), maxBodyBytes,
        ...(options.agent ? { agent: options.agent } : {}),
      });
    } catch (error) {
      throw new StorageError(`OSS ${method} failed: ${networkReason(error)}`, { cause: error });
    }
  }

  return {
    async append(key, data, position, contentType) {
      // Content-MD5 as ali-oss sends it: OSS refuses a body damaged on the way instead of appending it.
      const md5 = createHash('md5').update(data).digest('base64');
      const headers = { 'content-type': contentType, 'content-md5': md5 };
      const reply = await call('POST', key, { append: '', position: String(position) }, data, headers, ERROR_BODY_BYTES);
      const nextPosition = Number(reply.headers['x-oss-next-append-position']);
      if (reply.status === 200 && Number.isSafeInteger(nextPosition)) return { kind: 'appended', nextPosition };
      const code = ossErrorCode(reply);
      if (reply.status === 409 && code === 'PositionNotEqualToLength' && Number.isSafeInteger(nextPosition)) {
        return { kind: 'position-mismatch', nextPosition };
      }
      throw new StorageError(`OSS AppendObject failed: HTTP ${reply.status}${code ? ` ${code}` : ''}`);
    },
    async get(key, maxBytes) {
      const reply = await call('GET', key, {}, undefined, {}, Math.max(maxBytes, ERROR_BODY_BYTES));
      if (reply.status === 404 && ossErrorCode(reply) === 'NoSuchKey') return undefined;
      if (reply.status !== 200) throw new StorageError(`OSS GetObject failed: HTTP ${reply.status}${ossErrorCode(reply) ? ` ${ossErrorCode(reply)}` : ''}`);
      if (reply.truncated || reply.body.length > maxBytes) throw new StorageError(`OSS object ${key} is larger than ${maxBytes} bytes`);
      return reply.body;
    },
  };
}

/** The <Code> of OSS's XML error document; OSS's codes are plain words, so a pattern reads it safely. */
function ossErrorCode(reply: BoundedReply): string {
  return /<Code>([A-Za-z0-9.]{1,64})<\/Code>/.exec(reply.body.toString('utf8'))?.[1] ?? '';
}
