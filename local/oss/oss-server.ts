import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFileBackend } from './file-backend';
import type { BackendFileSystem } from './file-system';
import { createMemoryBackend } from './memory-backend';
import { createObjectStore, type ObjectStore } from './object-store';
import { authenticate, type OssCredential } from './oss-auth';
import { faultRequest, injectedResponse, type OssFaults } from './oss-faults';
import { readOssBody, send, wireResponse } from './oss-http';
import { runOperation } from './oss-operations';
import { operationOf, parseTarget, type OssOperation } from './oss-request';
import { ossError, type OssResponse } from './oss-response';

export type { OssCredential } from './oss-auth';
export type { OssOperation } from './oss-request';
export type { OssFaultRequest, OssFaults, OssInjectedFault } from './oss-faults';

export interface OssRequestRecord {
  method: string;
  bucket: string;
  key: string;
  operation: OssOperation;
  status: number;
  /** The OSS error code, for responses that failed. */
  errorCode?: string;
  /** Bytes of the response body (an object's bytes, or an error document); 0 for HEAD and bodiless answers. */
  responseBytes: number;
  /** Set when the `faults` hook chose the answer. */
  injected?: true;
}

export interface OssServerOptions {
  /** Defaults to 127.0.0.1, so the emulator is never reachable from outside the machine. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Persist objects under `<dataDir>/<bucket>/` so they survive restarts; absent keeps them in memory. */
  dataDir?: string;
  /** The file operations behind `dataDir`; node:fs unless a test passes one that fails. */
  fileSystem?: BackendFileSystem;
  /** Largest size an appendable object may reach (5 GiB, as on OSS); tests lower it to reach it with small data. */
  maxAppendableBytes?: number;
  /** Chooses an error to answer instead of running an authenticated request (see OssFaults). */
  faults?: OssFaults;
  /** The buckets that exist; any other is answered 404 NoSuchBucket. */
  buckets: string[];
  /** Who may sign requests; a credential with a securityToken behaves as an STS credential. */
  credentials: OssCredential[];
  onRequest?: (record: OssRequestRecord) => void;
}

export interface OssServer {
  url: string;
  port: number;
  /** Every request answered so far, in order. */
  requests: OssRequestRecord[];
  /** Stops the server; calling it again waits for the same close. */
  close(): Promise<void>;
}

async function answer(req: IncomingMessage, options: OssServerOptions, store: ObjectStore, record: OssRequestRecord): Promise<OssResponse> {
  const body = await readOssBody(req);
  const target = parseTarget(req.url ?? '/', req.headers.host, options.buckets);
  Object.assign(record, { bucket: target.bucket, key: target.key, operation: operationOf(record.method, target) });
  if (body === undefined) return ossError(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed object size.');
  if (target.bucket === '') return ossError(501, 'NotImplemented', 'Service-level operations are not implemented.');
  if (!options.buckets.includes(target.bucket)) {
    return ossError(404, 'NoSuchBucket', 'The specified bucket does not exist.', { extra: [['BucketName', target.bucket]] });
  }
  const signed = { method: record.method, headers: req.headers, bucket: target.bucket, key: target.key, query: target.query };
  const refused = authenticate(signed, options.credentials);
  if (refused) return refused;
  const run = () => runOperation(store, { ...signed, operation: record.operation, body });
  const request = faultRequest(record.method, target, record.operation);
  const fault = await options.faults?.(request);
  if (!fault) return run();
  record.injected = true;
  if (fault.afterOperation) await run();
  return injectedResponse(fault, request, store);
}

/** By name: decodeURIComponent's URIError may come from another realm (jest runs code in a vm context). */
function isUriError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'name' in error && error.name === 'URIError';
}

/** Starts a local OSS-compatible server speaking the object subset a history store uses, as real OSS does. */
export async function startOssServer(options: OssServerOptions): Promise<OssServer> {
  if (options.dataDir !== undefined) await mkdir(options.dataDir, { recursive: true });
  const backend = options.dataDir === undefined ? createMemoryBackend() : createFileBackend(options.dataDir, options.fileSystem);
  const store = createObjectStore(backend, options.maxAppendableBytes === undefined ? {} : { maxAppendableBytes: options.maxAppendableBytes });
  const requests: OssRequestRecord[] = [];
  const inFlight = new Set<Promise<void>>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomBytes(12).toString('hex').toUpperCase();
    const record: OssRequestRecord = { method: req.method ?? 'GET', bucket: '', key: '', operation: 'Unsupported', status: 0, responseBytes: 0 };
    let response: OssResponse;
    try {
      response = await answer(req, options, store, record);
    } catch (error) {
      response = isUriError(error)
        ? ossError(400, 'InvalidURI', 'Could not parse the specified URI.')
        : ossError(500, 'InternalError', `We encountered an internal error: ${String(error)}`);
    }
    const wire = wireResponse(req, response, requestId);
    record.status = response.status;
    record.responseBytes = wire.body?.length ?? 0;
    if (response.error) record.errorCode = response.error.code;
    // Recorded before the response leaves, so a client that has its answer always finds the request listed.
    requests.push(record);
    options.onRequest?.(record);
    send(res, wire);
  }

  const server = createServer((req, res) => {
    const done = handle(req, res).finally(() => inFlight.delete(done));
    inFlight.add(done);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    requests,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
        server.closeIdleConnections();
        // Requests already being handled finish (and reach the backend) before their connections are cut.
        await Promise.allSettled([...inFlight]);
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}
