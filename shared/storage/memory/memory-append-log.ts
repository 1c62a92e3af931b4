import { AppendConflictError, NotAppendableError, StorageError } from '../../errors';
import { checkFrom, type AppendLog } from '../append-log';

const NEWLINE = 0x0a;

/**
 * An in-memory AppendLog with OSS's append semantics (test/contract/append-log.contract.ts holds both to the same
 * behaviour), counting requests: `failNext` injects storage failures,
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
      if (!Number.isInteger(maxBytes) || maxBytes < 1) throw new RangeError(`maxBytes must be a positive integer, got ${maxBytes}`);
      const data = objects.get(key) ?? Buffer.alloc(0);
      const appendable = !normal.has(key);
      if (data.length <= maxBytes) return { text: data.toString('utf8'), length: data.length, truncated: false, appendable };
      // As OSS's adapter: a line is whole when a '\n' precedes it; with no '\n' after the cut nothing is whole.
      const from = data.length - maxBytes;
      const start = data[from - 1] === NEWLINE ? from : data.indexOf(NEWLINE, from) + 1;
      const text = start === 0 ? '' : data.subarray(start).toString('utf8');
      return { text, length: data.length, truncated: true, appendable };
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
      return data && Buffer.from(data);
    },
    async readFrom(key, start, maxBytes) {
      calls.push('readFrom');
      maybeFail();
      checkFrom(start, maxBytes);
      const data = objects.get(key);
      if (data === undefined) return undefined;
      const bytes = Buffer.from(data.subarray(Math.min(start, data.length)));
      if (bytes.length > maxBytes) throw new StorageError(`${key} holds more than ${maxBytes} bytes from ${start}`);
      return { bytes, length: data.length };
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
