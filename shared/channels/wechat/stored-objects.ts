import { AppendConflictError } from '../../errors';
import type { AppendLog } from '../../storage/append-log';
import type { OssLiteClient } from '../../storage/oss/oss-lite-client';

/**
 * What the answer store needs from storage, and both functions have: reading a whole small object, and appending at
 * the position last seen, which fails when someone appended first (OSS AppendObject). That failure is a
 * compare-and-append: of two writers at one position exactly one wins, and the other reads again.
 */
export interface StoredObjects {
  /** The object's bytes, or undefined when absent; StorageError above `maxBytes`. */
  read(key: string, maxBytes: number): Promise<Buffer | undefined>;
  append(key: string, position: number, data: string): Promise<'appended' | 'conflict'>;
}

/** The callback's storage: the lite OSS client. */
export function objectsOverOssLite(client: OssLiteClient): StoredObjects {
  return {
    read: (key, maxBytes) => client.get(key, maxBytes),
    async append(key, position, data) {
      const outcome = await client.append(key, Buffer.from(data, 'utf8'), position, 'application/x-ndjson');
      return outcome.kind === 'appended' ? 'appended' : 'conflict';
    },
  };
}

/** The worker's storage: the AppendLog port (ali-oss or in memory). */
export function objectsOverAppendLog(log: AppendLog): StoredObjects {
  return {
    read: (key, maxBytes) => log.readAll(key, maxBytes),
    async append(key, position, data) {
      try {
        await log.append(key, position, data);
        return 'appended';
      } catch (error) {
        if (error instanceof AppendConflictError) return 'conflict';
        throw error;
      }
    },
  };
}
