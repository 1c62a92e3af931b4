import { startOssServer } from '../../../../local/oss/oss-server';
import { createMemoryAppendLog } from '../../../../shared/storage/memory/memory-append-log';
import { createOssAppendLog } from '../../../../shared/storage/oss/oss-append-log';
import { createOssClient } from '../../../../shared/storage/oss/oss-client';
import { createOssTransport } from '../../../../shared/storage/oss/urllib-transport';
import { describeAppendLogContract } from '../../../contract/append-log.contract';

const BUCKET = 'chat';
const CREDENTIALS = { accessKeyId: 'STS.local', accessKeySecret: 'sts-secret', securityToken: 'sts-token' };

describeAppendLogContract('in memory', async () => ({ log: createMemoryAppendLog().log, close: async () => undefined }));

// The real ali-oss client over HTTP to the local OSS stand-in, with the worker's transport.
const transport = createOssTransport({ maxBodyBytes: 1 << 20 });
describeAppendLogContract('OSS (ali-oss against the local OSS server)', async () => {
  const server = await startOssServer({ buckets: [BUCKET], credentials: [CREDENTIALS] });
  const client = createOssClient({
    bucket: BUCKET, region: 'cn-hangzhou', endpoint: server.url, credentials: CREDENTIALS, timeoutMs: 5_000, transport,
  });
  return { log: createOssAppendLog(client), close: () => server.close() };
});
