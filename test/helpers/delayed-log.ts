import type { AppendLog } from '../../shared/storage/append-log';

/**
 * `log` with a wait before and after every call, so that several writers interleave between reading and appending,
 * as FC instances do over the network. `wait` decides how long (tests seed it, so a failure reproduces).
 */
export function delayedLog(log: AppendLog, wait: () => Promise<void>): AppendLog {
  const delayed = <A extends unknown[], R>(call: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    await wait();
    const result = await call(...args);
    await wait();
    return result;
  };
  return {
    readTail: delayed(log.readTail.bind(log)),
    append: delayed(log.append.bind(log)),
    length: delayed(log.length.bind(log)),
    remove: delayed(log.remove.bind(log)),
    readAll: delayed(log.readAll.bind(log)),
    readFrom: delayed(log.readFrom.bind(log)),
    put: delayed(log.put.bind(log)),
  };
}
