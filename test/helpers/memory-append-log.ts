import { AppendConflictError, StorageError } from '../../shared/errors';
import type { AppendLog } from '../../shared/history/append-log';

/** An in-memory AppendLog with OSS's append semantics, counting requests; `failNext` injects storage failures. */
export function createMemoryAppendLog() {
  const objects = new Map<string, Buffer>();
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
      if (data.length <= maxBytes) return { text: data.toString('utf8'), length: data.length, truncated: false };
      const tail = data.subarray(data.length - maxBytes);
      const firstBreak = tail.indexOf(0x0a);
      return { text: tail.subarray(firstBreak + 1).toString('utf8'), length: data.length, truncated: true };
    },
    async append(key, position, text) {
      calls.push('append');
      maybeFail();
      const data = objects.get(key) ?? Buffer.alloc(0);
      if (position !== data.length) throw new AppendConflictError(key);
      const next = Buffer.concat([data, Buffer.from(text)]);
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
    },
  };
  return {
    log,
    calls,
    objects,
    failNext: (times: number) => {
      failures = times;
    },
    text: (key: string) => objects.get(key)?.toString('utf8') ?? '',
  };
}
