import { createOssAppendLog } from '../../shared/storage/oss/oss-append-log';
import { createOssClient } from '../../shared/storage/oss/oss-client';
import { createOssTransport } from '../../shared/storage/oss/urllib-transport';

/**
 * dist/bench/clients/ali-oss.js: what the OSS client costs a cold worker. Built with the worker's production bundle
 * options; builds the client through the product's factory and makes one request of the kind the worker makes (an
 * AppendObject at position 0, as a message claim is) against the OSS stand-in, with the STS credential FC hands.
 */
export async function handler(_event: Buffer, context: { credentials: { accessKeyId: string; accessKeySecret: string; securityToken: string } }): Promise<string> {
  const env = process.env;
  const client = createOssClient({
    bucket: env['OSS_BUCKET'] ?? '',
    region: env['OSS_REGION'] ?? '',
    endpoint: env['OSS_ENDPOINT'] ?? '',
    credentials: context.credentials,
    timeoutMs: 10_000,
    // As the worker wires it (functions/worker/index.ts): ali-oss over the product's own transport.
    transport: createOssTransport({ maxBodyBytes: 4 * 1024 * 1024 }),
  });
  const length = await createOssAppendLog(client).append(env['BENCH_OSS_KEY'] ?? '', 0, '{"t":"claim"}\n');
  return length > 0 ? 'answered' : 'nothing appended';
}
