import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { benchRoot } from '../figures';
import type { StandInAnswers, StandInCommand, StandInReply, StandInUrls } from './protocol';

/**
 * The bench's side of the stand-ins process: forks dist/bench/stand-ins.js and sends it commands. One command at a
 * time is plenty; each answer is matched to its command by id anyway.
 */
export interface StandIns {
  urls: StandInUrls;
  call<T extends StandInCommand>(command: T): Promise<StandInAnswers[T['type']]>;
  close(): Promise<void>;
}

export async function startStandIns(): Promise<StandIns> {
  const path = join(benchRoot(), 'dist', 'bench', 'stand-ins.js');
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm run build first`);
  const child: ChildProcess = fork(path, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env: { PATH: process.env['PATH'] ?? '' } });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let next = 1;
  let exited: Error | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    pending.set(0, { resolve: () => resolve(), reject });
  });
  child.on('message', (reply: StandInReply) => {
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.ok) waiter?.resolve(reply.value);
    else waiter?.reject(new Error(`stand-ins: ${reply.error}`));
  });
  child.on('exit', (code) => {
    exited = new Error(`the stand-ins process exited (${code})`);
    for (const waiter of pending.values()) waiter.reject(exited);
    pending.clear();
  });
  await ready;
  const call = <T extends StandInCommand>(command: T): Promise<StandInAnswers[T['type']]> => {
    if (exited) return Promise.reject(exited);
    const id = next++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, command });
    });
  };
  const urls = await call({ type: 'urls' });
  return {
    urls,
    call,
    close: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}
