import type { ObjectBackend, ObjectMeta } from './object-store';

/** Objects in a Map, for tests and benchmarks that need no data folder; an append copies, which is fine at KBs. */
export function createMemoryBackend(): ObjectBackend {
  const objects = new Map<string, { meta: ObjectMeta; data: Buffer }>();
  const slot = (bucket: string, key: string) => `${bucket}/${key}`;
  return {
    describe: async (bucket, key) => objects.get(slot(bucket, key))?.meta,
    readData: async (bucket, key, _meta, range) => {
      const data = objects.get(slot(bucket, key))?.data ?? Buffer.alloc(0);
      return range ? data.subarray(range.start, range.end + 1) : data;
    },
    write: async (bucket, key, meta, data) => {
      objects.set(slot(bucket, key), { meta, data });
    },
    appendData: async (bucket, key, data, next) => {
      const current = objects.get(slot(bucket, key))?.data;
      objects.set(slot(bucket, key), { meta: next, data: current ? Buffer.concat([current, data]) : data });
    },
    remove: async (bucket, key) => {
      objects.delete(slot(bucket, key));
    },
  };
}
