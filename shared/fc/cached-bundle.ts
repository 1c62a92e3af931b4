import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/** What became of a bundle's code cache when it loaded; the function's cold-start log line carries it. */
export type CodeCacheOutcome = 'accepted' | 'rejected' | 'missing';

export interface CachedBundleOptions {
  /** The bundle (dist/<function>/function.js); its code cache is `${filename}.cache`. */
  filename: string;
  /**
   * Module.createRequire, taken from the calling module's `module.constructor`: requiring node:module would load
   * Node's ESM loader on every cold start.
   */
  createRequire: (filename: string) => NodeJS.Require;
  readFile?: (path: string) => Buffer;
}

export interface LoadedBundle {
  exports: Record<string, unknown>;
  codeCache: CodeCacheOutcome;
  /** The compiled bundle: the build asks it for the cache (createCachedData) after loading it. */
  script: Script;
}

export const CODE_CACHE_SUFFIX = '.cache';
// Node's own CommonJS wrapper (Module.wrap). It sits on the bundle's first line, so that line's stack columns are
// shifted back by its length: the source map then gets the file's columns.
const WRAPPER_START = '(function (exports, require, module, __filename, __dirname) { ';
const WRAPPER_END = '\n});';
const DIGEST_BYTES = 32;

/**
 * A cache file: a SHA-256 of the bundle's bytes and V8's data, then that data. V8 itself checks only its version,
 * its flags, the source's length and (in release builds of Node 20, not at all) a checksum of the data, so a damaged
 * cache would crash the process and a cache of another bundle of the same length would be used: the digest makes
 * both a plain rejection.
 */
export function codeCacheFile(source: Buffer, data: Buffer): Buffer {
  return Buffer.concat([digest(source, data), data]);
}

/**
 * Loads a CommonJS bundle as Node would (exports, require, module, __filename, __dirname; require resolves from the
 * bundle's folder), but compiled through vm.Script with V8's code cache beside it when there is one: a cold
 * instance then skips compiling what the cache holds. A missing, unreadable, damaged or rejected cache only means the
 * bundle compiles as usual; the outcome is returned.
 */
export function loadCachedBundle(options: CachedBundleOptions): LoadedBundle {
  const readFile = options.readFile ?? ((path: string) => readFileSync(path));
  const { filename } = options;
  const bytes = readFile(filename);
  const cache = verifiedCache(bytes, () => readFile(`${filename}${CODE_CACHE_SUFFIX}`));
  const script = new Script(`${WRAPPER_START}${bytes.toString('utf8')}${WRAPPER_END}`, {
    filename,
    columnOffset: -WRAPPER_START.length,
    ...(cache.data ? { cachedData: cache.data } : {}),
  });
  const codeCache: CodeCacheOutcome = cache.data ? (script.cachedDataRejected === true ? 'rejected' : 'accepted') : cache.outcome;
  const bundleModule = { exports: {} as Record<string, unknown>, filename, id: filename, loaded: false };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(bundleModule.exports, bundleModule.exports, options.createRequire(filename), bundleModule, filename, dirname(filename));
  bundleModule.loaded = true;
  return { exports: bundleModule.exports, codeCache, script };
}

function verifiedCache(source: Buffer, read: () => Buffer): { data?: Buffer; outcome: CodeCacheOutcome } {
  let file: Buffer;
  try {
    file = read();
  } catch {
    return { outcome: 'missing' };
  }
  const data = file.subarray(DIGEST_BYTES);
  if (file.length <= DIGEST_BYTES || !digest(source, data).equals(file.subarray(0, DIGEST_BYTES))) return { outcome: 'rejected' };
  return { data, outcome: 'accepted' };
}

const digest = (source: Buffer, data: Buffer): Buffer => createHash('sha256').update(source).update(data).digest();
