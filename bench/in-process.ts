import { closeSync, existsSync, openSync, writeSync } from 'node:fs';

/**
 * Running a built bundle inside the bench process, as FC runs it in an instance: loaded once with its environment in
 * place (bundles read config at load), and its log lines written out without flooding the bench's table.
 */
export function loadBundle<T>(path: string, env: Record<string, string>): { exports: T; unload: () => void } {
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm run build first`);
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return { exports: require(path) as T, unload: () => void delete require.cache[path] };
  } finally {
    for (const name of Object.keys(env)) if (saved[name] === undefined) delete process.env[name];
    Object.assign(process.env, saved);
  }
}

/**
 * While it lasts, stdout goes to /dev/null with a synchronous write per chunk (what a write to FC's log pipe costs,
 * roughly) and its lines are counted: the functions log at info, as in production.
 */
export function divertStdout(): { lines: () => number; restore: () => void } {
  const original = process.stdout.write;
  const sink = openSync('/dev/null', 'w');
  let lines = 0;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lines += 1;
    writeSync(sink, text);
    const callback = rest.find((arg): arg is () => void => typeof arg === 'function');
    if (callback) process.nextTick(callback);
    return true;
  }) as typeof process.stdout.write;
  return {
    lines: () => lines,
    restore: () => {
      process.stdout.write = original;
      closeSync(sink);
    },
  };
}
