import { createHash } from 'node:crypto';

export type ObjectType = 'Normal' | 'Appendable';

export interface StoredObject {
  data: Buffer;
  type: ObjectType;
  contentType: string;
  /** Quoted, as OSS sends it. */
  etag: string;
  lastModified: Date;
}

/** Where objects live: memory or files. Backends need no locking; the store serializes access per key. */
export interface ObjectBackend {
  read(bucket: string, key: string): Promise<StoredObject | undefined>;
  write(bucket: string, key: string, object: StoredObject): Promise<void>;
  remove(bucket: string, key: string): Promise<void>;
}

export type PutOutcome = { kind: 'stored'; object: StoredObject } | { kind: 'exists' };

export type AppendOutcome =
  | { kind: 'appended'; object: StoredObject }
  | { kind: 'position-mismatch'; length: number }
  | { kind: 'not-appendable'; length: number };

export interface ObjectStore {
  put(bucket: string, key: string, input: { data: Buffer; contentType: string; forbidOverwrite: boolean }): Promise<PutOutcome>;
  append(bucket: string, key: string, input: { data: Buffer; contentType: string; position: number }): Promise<AppendOutcome>;
  get(bucket: string, key: string): Promise<StoredObject | undefined>;
  remove(bucket: string, key: string): Promise<void>;
}

function etagOf(data: Buffer): string {
  return `"${createHash('md5').update(data).digest('hex').toUpperCase()}"`;
}

/** Runs tasks for the same key one after another, so a check and the write it guards cannot interleave. */
function createKeyedQueue() {
  const tails = new Map<string, Promise<unknown>>();
  return function run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return result;
  };
}

/**
 * OSS object semantics on top of a backend: forbid-overwrite is a create-if-absent and AppendObject a
 * compare-and-append on the length, both atomic because every operation on one key runs in turn.
 */
export function createObjectStore(backend: ObjectBackend): ObjectStore {
  const run = createKeyedQueue();
  const slot = (bucket: string, key: string) => `${bucket}/${key}`;

  return {
    put: (bucket, key, input) =>
      run(slot(bucket, key), async () => {
        if (input.forbidOverwrite && (await backend.read(bucket, key))) return { kind: 'exists' } as const;
        const object: StoredObject = {
          data: input.data,
          type: 'Normal',
          contentType: input.contentType,
          etag: etagOf(input.data),
          lastModified: new Date(),
        };
        await backend.write(bucket, key, object);
        return { kind: 'stored', object } as const;
      }),
    append: (bucket, key, input) =>
      run(slot(bucket, key), async () => {
        const current = await backend.read(bucket, key);
        const length = current?.data.length ?? 0;
        if (current && current.type !== 'Appendable') return { kind: 'not-appendable', length } as const;
        if (input.position !== length) return { kind: 'position-mismatch', length } as const;
        const data = current ? Buffer.concat([current.data, input.data]) : input.data;
        const object: StoredObject = {
          data,
          type: 'Appendable',
          // Like OSS, the first append fixes the content type; later ones cannot change it.
          contentType: current?.contentType ?? input.contentType,
          etag: etagOf(data),
          lastModified: new Date(),
        };
        await backend.write(bucket, key, object);
        return { kind: 'appended', object } as const;
      }),
    get: (bucket, key) => run(slot(bucket, key), () => backend.read(bucket, key)),
    remove: (bucket, key) => run(slot(bucket, key), () => backend.remove(bucket, key)),
  };
}

export function createMemoryBackend(): ObjectBackend {
  const objects = new Map<string, StoredObject>();
  const slot = (bucket: string, key: string) => `${bucket}/${key}`;
  return {
    read: async (bucket, key) => objects.get(slot(bucket, key)),
    write: async (bucket, key, object) => {
      objects.set(slot(bucket, key), object);
    },
    remove: async (bucket, key) => {
      objects.delete(slot(bucket, key));
    },
  };
}
