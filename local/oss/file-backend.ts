import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { nodeFileSystem, type BackendFileSystem } from './file-system';
import { contentEtag, type ObjectBackend, type ObjectMeta } from './object-store';
import { decodeSidecar, encodeSidecar } from './sidecar';

/**
 * One file per object, named by its percent-encoded key so that keys like `a` and `a/b`, `..` or very long keys
 * cannot collide or escape the directory; the encoded name never starts with '.', which keeps `.oss-meta` and
 * `.oss-tmp` apart from objects.
 */
export function objectFileName(key: string): string {
  const encoded = encodeURIComponent(key).replace(/^\./, '%2E');
  return encoded.length <= 200 ? encoded : `%~${createHash('sha256').update(key).digest('hex')}`;
}

/** Duck-typed: under jest, errors from Node's fs are not instances of the test realm's Error. */
function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}

const orMissing = <T>(promise: Promise<T>): Promise<T | undefined> =>
  promise.catch((error: unknown) => {
    if (isMissing(error)) return undefined;
    throw error;
  });

/**
 * Objects as files under `<dataDir>/<bucket>/<name>`, metadata in `<bucket>/.oss-meta/<name>.json` (the sidecar,
 * holding the committed length), scratch files in `<bucket>/.oss-tmp/`. Every step is ordered so that any state a
 * crash can leave reads as the old object, the new one, or (only while an object is being created) no object:
 * - a sidecar without its data file is no object; a data file without a usable sidecar is a Normal object with
 *   default metadata, as real OSS has no sidecar to lose;
 * - an append writes the bytes in place at the committed length, then renames a new sidecar in: until then readers
 *   stop at the old length, and bytes past it are overwritten by the next append;
 * - a new appendable object gets its sidecar before its data, so a cut-short creation reads as absent, not Normal;
 * - a replacement links the old files aside, drops the old sidecar, renames the new data in, then the new sidecar;
 * - a delete removes the data file first.
 * A step that fails undoes the earlier ones (truncating back, or renaming the linked-aside files back), so a failed
 * request changes nothing visible, and the scratch files are removed whatever happened.
 */
export function createFileBackend(dataDir: string, fs: BackendFileSystem = nodeFileSystem()): ObjectBackend {
  const paths = (bucket: string, key: string) => {
    const name = objectFileName(key);
    return { data: join(dataDir, bucket, name), meta: join(dataDir, bucket, '.oss-meta', `${name}.json`) };
  };

  async function scratch<T>(bucket: string, names: number, work: (temps: string[]) => Promise<T>): Promise<T> {
    await fs.mkdir(join(dataDir, bucket, '.oss-meta'));
    await fs.mkdir(join(dataDir, bucket, '.oss-tmp'));
    const temps = Array.from({ length: names }, () => join(dataDir, bucket, '.oss-tmp', randomBytes(8).toString('hex')));
    try {
      return await work(temps);
    } finally {
      await Promise.all(temps.map((temp) => fs.remove(temp).catch(() => undefined)));
    }
  }

  /** Runs `step`; when it fails, runs `undo` (whose own failure cannot hide the first) and rethrows. */
  async function orUndo(step: () => Promise<void>, undo: () => Promise<unknown>): Promise<void> {
    try {
      await step();
    } catch (error) {
      await undo().catch(() => undefined);
      throw error;
    }
  }

  async function replace(data: string, meta: string, temps: string[], previous: ObjectMeta | undefined): Promise<void> {
    const [newData = '', newMeta = '', oldData = '', oldMeta = ''] = temps;
    if (!previous) {
      await fs.remove(meta); // a sidecar whose data file was lost
      await fs.rename(newData, data);
      await orUndo(() => fs.rename(newMeta, meta), () => fs.remove(data));
      return;
    }
    await fs.link(data, oldData);
    const hadSidecar = await fs.link(meta, oldMeta).then(() => true, (error: unknown) => {
      if (isMissing(error)) return false;
      throw error;
    });
    const restoreSidecar = () => (hadSidecar ? fs.rename(oldMeta, meta) : Promise.resolve());
    await fs.remove(meta);
    await orUndo(() => fs.rename(newData, data), restoreSidecar);
    await orUndo(() => fs.rename(newMeta, meta), async () => {
      await fs.rename(oldData, data);
      await restoreSidecar();
    });
  }

  return {
    async describe(bucket, key) {
      const { data, meta } = paths(bucket, key);
      const stats = await orMissing(fs.stat(data));
      if (!stats) return undefined;
      const text = await orMissing(fs.readFile(meta));
      const described = text === undefined ? undefined : decodeSidecar(text.toString('utf8'), stats.size);
      if (described) return described;
      const bytes = await fs.readFile(data);
      return { type: 'Normal', contentType: 'application/octet-stream', etag: contentEtag(bytes), lastModified: stats.mtime, length: bytes.length };
    },
    async readData(bucket, key, meta, range) {
      const start = range?.start ?? 0;
      const end = range ? range.end + 1 : meta.length;
      return fs.readAt(paths(bucket, key).data, start, end - start);
    },
    async write(bucket, key, meta, bytes, previous) {
      const { data, meta: sidecar } = paths(bucket, key);
      await scratch(bucket, 4, async (temps) => {
        const [newData = '', newMeta = ''] = temps;
        await fs.writeFile(newData, bytes);
        await fs.writeFile(newMeta, encodeSidecar(meta));
        await replace(data, sidecar, temps, previous);
      });
    },
    async appendData(bucket, key, bytes, next, previous) {
      const { data, meta } = paths(bucket, key);
      await scratch(bucket, 2, async ([newMeta = '', newData = '']) => {
        // The sidecar is written first: when the disk is full, that fails before the data file is touched.
        await fs.writeFile(newMeta, encodeSidecar(next));
        if (previous) {
          const committed = previous.length;
          await orUndo(() => fs.writeAt(data, bytes, committed), () => fs.truncate(data, committed));
          await orUndo(() => fs.rename(newMeta, meta), () => fs.truncate(data, committed));
          return;
        }
        await fs.writeFile(newData, bytes);
        await fs.rename(newMeta, meta);
        await orUndo(() => fs.rename(newData, data), () => fs.remove(meta));
      });
    },
    async remove(bucket, key) {
      const { data, meta } = paths(bucket, key);
      await fs.remove(data);
      await fs.remove(meta);
    },
  };
}
