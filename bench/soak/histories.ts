import { createOssClient } from '../../shared/storage/oss/oss-client';
import type { SoakStack } from './soak-stack';
import { SOAK_BUCKET } from './soak-stack';

/**
 * The history objects as they are now, read from the OSS stand-in itself (not through the fault proxy): every
 * object the worker wrote under the history prefix, archived copies included. Missing objects are left out.
 */
export interface HistoryObject {
  key: string;
  text: string;
}

export async function readHistories(soak: SoakStack, keys: Iterable<string>): Promise<HistoryObject[]> {
  const client = createOssClient({
    bucket: SOAK_BUCKET,
    region: 'cn-local',
    endpoint: soak.stack.oss.url,
    credentials: soak.stack.credentials,
    timeoutMs: 10_000,
  });
  const objects: HistoryObject[] = [];
  for (const key of [...new Set(keys)].sort()) {
    try {
      const result = await client.get(key);
      objects.push({ key, text: Buffer.isBuffer(result.content) ? result.content.toString('utf8') : String(result.content) });
    } catch (error) {
      if ((error as { code?: string }).code !== 'NoSuchKey') throw error;
    }
  }
  return objects;
}
