import { createOssAppendLog } from '../../shared/history/oss-append-log';
import { createOssClient } from '../../shared/history/oss-client';

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
  });
  const length = await createOssAppendLog(client).append(env['BENCH_OSS_KEY'] ?? '', 0, '{"t":"claim"}\n');
  return length > 0 ? 'answered' : 'nothing appended';
}
