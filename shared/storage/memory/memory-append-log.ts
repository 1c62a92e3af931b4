import { AppendConflictError, NotAppendableError, StorageError } from '../../errors';
import type { AppendLog } from '../append-log';

/**
 * An in-memory AppendLog with OSS's append semantics, counting requests: `failNext` injects storage failures,
 * `replaceWithNormal` turns an object into a Normal one (what PutObject over it does), `appendLimit` is OSS's size
 * limit for appendable objects.
 */
export function createMemoryAppendLog(options: { appendLimit?: number } = {}) {
  const objects = new Map<string, Buffer>();
  const normal = new Set<string>();
  const calls: string[] = [];
  let failures = 0;
  const maybeFail = (): void => {
    if (failures > 0) {
      failures -= 1;
      throw new StorageError('injected storage failure');
    }
  };
  const log: AppendLog = {
    async readTail(key, maxBytes) {
      calls.push('readTail');
      maybeFail();
      const data = objects.get(key) ?? Buffer.alloc(0);
      const appendable = !normal.has(key);
      if (data.length <= maxBytes) return { text: data.toString('utf8'), length: data.length, truncated: false, appendable };
      const tail = data.subarray(data.length - maxBytes);
      const firstBreak = data[data.length - maxBytes - 1] === 0x0a ? -1 : tail.indexOf(0x0a);
      return { text: tail.subarray(firstBreak + 1).toString('utf8'), length: data.length, truncated: true, appendable };
    },
    async append(key, position, text) {
      calls.push('append');
      maybeFail();
      const data = objects.get(key) ?? Buffer.alloc(0);
      if (normal.has(key)) throw new NotAppendableError(key, 'ObjectNotAppendable');
      if (position !== data.length) throw new AppendConflictError(key);
      const next = Buffer.concat([data, Buffer.from(text)]);
      if (options.appendLimit !== undefined && next.length > options.appendLimit) throw new NotAppendableError(key, 'size limit');
      objects.set(key, next);
      return next.length;
    },
    async length(key) {
      calls.push('length');
      maybeFail();
      return objects.get(key)?.length ?? 0;
    },
    async remove(key) {
      calls.push('remove');
      maybeFail();
      objects.delete(key);
      normal.delete(key);
    },
    async readAll(key, maxBytes) {
      calls.push('readAll');
      maybeFail();
      const data = objects.get(key);
      if (data && data.length > maxBytes) throw new StorageError(`${key} is longer than ${maxBytes} bytes`);
      return data;
    },
    async put(key, data) {
      calls.push('put');
      maybeFail();
      objects.set(key, Buffer.from(data));
      normal.add(key);
    },
  };
  return {
    log,
    calls,
    objects,
    failNext: (times: number) => {
      failures = times;
    },
    replaceWithNormal: (key: string, text: string) => {
      objects.set(key, Buffer.from(text));
      normal.add(key);
    },
    text: (key: string) => objects.get(key)?.toString('utf8') ?? '',
  };
}
