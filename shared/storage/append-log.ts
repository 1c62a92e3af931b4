/**
 * The storage port under conversation history and message claims: appendable objects, written only by appending at
 * the position the writer last saw (OSS AppendObject semantics), so two concurrent writers can never overwrite each
 * other: the second one gets AppendConflictError and must look again. test/contract/append-log.contract.ts holds every
 * adapter to these semantics, with OSS's own behaviour as the reference (docs/function-compute.md §5).
 */
export interface TailRead {
  /** The last whole lines of the object, at most `maxBytes` bytes of it, decoded as UTF-8; '' when absent. */
  text: string;
  /** The object's full length in bytes, which is the position the next append must use; 0 when absent. */
  length: number;
  /** True when the object is longer than what was read (older lines were left out). */
  truncated: boolean;
  /** False when the object exists but is not appendable (replaced by a Normal object). */
  appendable: boolean;
}

export interface FromRead {
  bytes: Buffer;
  /** The object's full length in bytes: the position the next append must use. */
  length: number;
}

export interface AppendLog {
  /**
   * Reads the tail of `key` with one bounded request, however long the object has grown. `maxBytes` must be a
   * positive integer (RangeError otherwise).
   */
  readTail(key: string, maxBytes: number): Promise<TailRead>;
  /**
   * Appends `data` at `position` and returns the new length. Throws AppendConflictError when `position` is not the
   * current length (someone else appended, or the object was deleted), NotAppendableError when the object can take
   * no more appends, StorageError on any other failure.
   */
  append(key: string, position: number, data: string): Promise<number>;
  /** The current length of `key` (0 when absent), for retrying an append after a conflict. */
  length(key: string): Promise<number>;
  /** Deletes `key`; deleting an absent key succeeds. */
  remove(key: string): Promise<void>;
  /** The whole object's bytes (undefined when absent); StorageError when it is longer than `maxBytes`. */
  readAll(key: string, maxBytes: number): Promise<Buffer | undefined>;
  /**
   * The bytes of `key` from byte `start` to its end, with one request in the usual case, and the object's full
   * length; undefined when absent. `start` at the length gives no bytes; past it (the object was replaced by a
   * shorter one) no bytes and a `length` below `start`. StorageError when more than `maxBytes` would be returned;
   * RangeError when `start` or `maxBytes` is not a non-negative integer.
   */
  readFrom(key: string, start: number, maxBytes: number): Promise<FromRead | undefined>;
  /** Writes `data` as a Normal object, replacing any: only for archive copies, which nobody appends to. */
  put(key: string, data: Buffer): Promise<void>;
}

/** readFrom's argument check, shared by the adapters. */
export function checkFrom(start: number, maxBytes: number): void {
  for (const [name, value] of [['start', start], ['maxBytes', maxBytes]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
}
