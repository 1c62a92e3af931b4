import { createHash } from 'node:crypto';
import type { ByteRange } from './oss-range';

export type ObjectType = 'Normal' | 'Appendable';

/** What HEAD tells about an object, and what a backend needs to know before it changes one. */
export interface ObjectMeta {
  type: ObjectType;
  contentType: string;
  /** Quoted, as OSS sends it. */
  etag: string;
  lastModified: Date;
  /** Bytes of the object, which for an appendable object is also the next append position. */
  length: number;
}

/**
 * Where objects live: memory or files. Backends need no locking; the store serializes access per key and hands
 * them what `describe` answered just before, so an append never has to read the object's bytes.
 */
export interface ObjectBackend {
  describe(bucket: string, key: string): Promise<ObjectMeta | undefined>;
  /** The bytes of `range` (the whole object when undefined) of the object `meta` describes. */
  readData(bucket: string, key: string, meta: ObjectMeta, range: ByteRange | undefined): Promise<Buffer>;
  /** Creates or replaces the whole object; `previous` is the object being replaced. */
  write(bucket: string, key: string, meta: ObjectMeta, data: Buffer, previous: ObjectMeta | undefined): Promise<void>;
  /** Adds `data` at `previous.length` (creating the object when there is none) and commits `next`. */
  appendData(bucket: string, key: string, data: Buffer, next: ObjectMeta, previous: ObjectMeta | undefined): Promise<void>;
  remove(bucket: string, key: string): Promise<void>;
}

export interface ObjectRead {
  object: ObjectMeta;
  /** The range's bytes, or the whole object's. */
  data: Buffer;
  range: ByteRange | undefined;
}

export type PutOutcome = { kind: 'stored'; object: ObjectMeta } | { kind: 'exists' };

export type AppendOutcome =
  | { kind: 'appended'; object: ObjectMeta }
  | { kind: 'position-mismatch'; length: number }
  | { kind: 'not-appendable'; length: number }
  | { kind: 'too-large'; length: number };

export interface ObjectStore {
  put(bucket: string, key: string, input: { data: Buffer; contentType: string; forbidOverwrite: boolean }): Promise<PutOutcome>;
  append(bucket: string, key: string, input: { data: Buffer; contentType: string; position: number }): Promise<AppendOutcome>;
  /** `rangeOf` picks the bytes to read once the object's length is known. */
  get(bucket: string, key: string, rangeOf?: (length: number) => ByteRange | undefined): Promise<ObjectRead | undefined>;
  head(bucket: string, key: string): Promise<ObjectMeta | undefined>;
  remove(bucket: string, key: string): Promise<void>;
}

export interface ObjectStoreOptions {
  /** Largest size an appendable object may reach; OSS's limit is 5 GB. */
  maxAppendableBytes?: number;
}

export const OSS_MAX_APPENDABLE_BYTES = 5 * 1024 ** 3;

/** A Normal object's ETag, as OSS computes it for a simple upload: the MD5 of its bytes. */
export function contentEtag(data: Buffer): string {
  return `"${createHash('md5').update(data).digest('hex').toUpperCase()}"`;
}

/**
 * An appendable object's ETag is not the MD5 of its bytes on OSS either; chaining the previous ETag with the appended
 * bytes changes it with every append at the cost of the appended bytes only.
 */
function chainedEtag(previous: string, length: number, appended: Buffer): string {
  const digest = createHash('md5').update(`${previous}:${length}:`).update(appended).digest('hex').toUpperCase();
  return `"${digest}"`;
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
export function createObjectStore(backend: ObjectBackend, options: ObjectStoreOptions = {}): ObjectStore {
  const maxAppendable = options.maxAppendableBytes ?? OSS_MAX_APPENDABLE_BYTES;
  const run = createKeyedQueue();
  const slot = (bucket: string, key: string) => `${bucket}/${key}`;

  return {
    put: (bucket, key, input) =>
      run(slot(bucket, key), async () => {
        const current = await backend.describe(bucket, key);
        if (input.forbidOverwrite && current) return { kind: 'exists' } as const;
        const { data, contentType } = input;
        const object: ObjectMeta = { type: 'Normal', contentType, etag: contentEtag(data), lastModified: new Date(), length: data.length };
        await backend.write(bucket, key, object, data, current);
        return { kind: 'stored', object } as const;
      }),
    append: (bucket, key, input) =>
      run(slot(bucket, key), async () => {
        const current = await backend.describe(bucket, key);
        const length = current?.length ?? 0;
        if (current && current.type !== 'Appendable') return { kind: 'not-appendable', length } as const;
        if (input.position !== length) return { kind: 'position-mismatch', length } as const;
        if (length + input.data.length > maxAppendable) return { kind: 'too-large', length } as const;
        // Appending nothing to an existing appendable object leaves it as it is, as on OSS.
        if (current && input.data.length === 0) return { kind: 'appended', object: current } as const;
        const object: ObjectMeta = {
          type: 'Appendable',
          // Like OSS, the first append fixes the content type; later ones cannot change it.
          contentType: current?.contentType ?? input.contentType,
          etag: chainedEtag(current?.etag ?? '', length, input.data),
          lastModified: new Date(),
          length: length + input.data.length,
        };
        await backend.appendData(bucket, key, input.data, object, current);
        return { kind: 'appended', object } as const;
      }),
    get: (bucket, key, rangeOf) =>
      run(slot(bucket, key), async () => {
        const object = await backend.describe(bucket, key);
        if (!object) return undefined;
        const range = rangeOf?.(object.length);
        return { object, range, data: await backend.readData(bucket, key, object, range) };
      }),
    head: (bucket, key) => run(slot(bucket, key), () => backend.describe(bucket, key)),
    remove: (bucket, key) => run(slot(bucket, key), () => backend.remove(bucket, key)),
  };
}
