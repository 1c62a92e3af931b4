import type Module from 'node:module';
import { join } from 'node:path';
import { createLogger } from '../logging/logger';
import { loadCachedBundle } from './cached-bundle';

export interface FunctionEntryOptions {
  /** The folder FC deploys (dist/<function>): the entry is its index.js, the function its function.js. */
  dir: string;
  /** The entry's own `module`: its constructor is Node's Module class, without requiring node:module. */
  entryModule: NodeJS.Module;
  /** The service and default function name of the function's log lines. */
  service: string;
  defaultFunctionName: string;
}

/**
 * What FC's `index.handler` points at: the function's bundle loaded through its V8 code cache (cached-bundle.ts),
 * and one info line per instance saying whether the cache was used, so that the function's log shows whether the
 * runtime's V8 accepts the cache the build made (docs/function-compute.md). Nothing is written to disk: the code
 * folder is read-only on FC.
 */
export function loadFunctionHandler(options: FunctionEntryOptions): unknown {
  const started = process.hrtime.bigint();
  const moduleClass = options.entryModule.constructor as typeof Module;
  const loaded = loadCachedBundle({ filename: join(options.dir, 'function.js'), createRequire: moduleClass.createRequire });
  createLogger({ service: options.service }).info('function code loaded', {
    function_name: process.env['FC_FUNCTION_NAME'] ?? options.defaultFunctionName,
    code_cache: loaded.codeCache,
    load_ms: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10,
  });
  return loaded.exports['handler'];
}
