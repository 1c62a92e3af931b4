import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ObjectBackend, ObjectType, StoredObject } from './object-store';

interface Sidecar {
  type: ObjectType;
  contentType: string;
  etag: string;
  lastModified: string;
}

/**
 * One file per object, named by its percent-encoded key so that keys like `a` and `a/b`, `..` or very long keys
 * cannot collide or escape the directory; the encoded name never starts with '.', which keeps `.oss-meta` and
 * `.oss-tmp` apart from objects.
 */
function fileName(key: string): string {
  const encoded = encodeURIComponent(key).replace(/^\./, '%2E');
  return encoded.length <= 200 ? encoded : `%~${createHash('sha256').update(key).digest('hex')}`;
}

/** Duck-typed: under jest, errors from Node's fs are not instances of the test realm's Error. */
function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}

/**
 * Objects as files under `<dataDir>/<bucket>/`, metadata in `<bucket>/.oss-meta/<name>.json`, each replaced by a
 * rename so a reader never sees half a file. The sidecar is written last and removed first: a new object whose write
 * was cut short reads as absent (an interrupted overwrite keeps the new bytes under the old metadata).
 */
export function createFileBackend(dataDir: string): ObjectBackend {
  const paths = (bucket: string, key: string) => {
    const name = fileName(key);
    return { data: join(dataDir, bucket, name), meta: join(dataDir, bucket, '.oss-meta', `${name}.json`) };
  };

  async function replace(bucket: string, target: string, content: Buffer | string): Promise<void> {
    const temp = join(dataDir, bucket, '.oss-tmp', randomBytes(8).toString('hex'));
    await writeFile(temp, content);
    await rename(temp, target);
  }

  return {
    async read(bucket, key) {
      const { data, meta } = paths(bucket, key);
      try {
        const sidecar = JSON.parse(await readFile(meta, 'utf8')) as Sidecar;
        const object: StoredObject = {
          data: await readFile(data),
          type: sidecar.type,
          contentType: sidecar.contentType,
          etag: sidecar.etag,
          lastModified: new Date(sidecar.lastModified),
        };
        return object;
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async write(bucket, key, object) {
      const { data, meta } = paths(bucket, key);
      await mkdir(join(dataDir, bucket, '.oss-meta'), { recursive: true });
      await mkdir(join(dataDir, bucket, '.oss-tmp'), { recursive: true });
      const sidecar: Sidecar = {
        type: object.type,
        contentType: object.contentType,
        etag: object.etag,
        lastModified: object.lastModified.toISOString(),
      };
      await replace(bucket, data, object.data);
      await replace(bucket, meta, `${JSON.stringify(sidecar)}\n`);
    },
    async remove(bucket, key) {
      const { data, meta } = paths(bucket, key);
      await rm(meta, { force: true });
      await rm(data, { force: true });
    },
  };
}
