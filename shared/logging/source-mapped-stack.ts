import { readFileSync } from 'node:fs';
import type { SourceMap, SourceMapPayload } from 'node:module';

/** Turns the frames of a stack trace into the ones to log. */
export type StackMapper = (frames: readonly string[]) => string[];

export interface StackMapperOptions {
  /** The bundle whose frames are mapped (its `__filename`); its source map is `${bundle}.map`. */
  bundle: string;
  readFile?: (path: string) => string;
}

/**
 * The function bundles are minified, so a logged stack frame would name dist/<function>/index.js:1:48213. Node's
 * --enable-source-maps would fix that by reading the bundle's source map at every cold start; instead the map is
 * read the first time a stack with a frame of the bundle is logged, kept for the life of the instance, and each such
 * frame then names the TypeScript file and line it came from. A missing or unreadable map leaves frames as they are:
 * logging never throws for it. node:module is not in Node's start-up snapshot (loading it compiles the ESM loader
 * too), so it is required there as well, not when the bundle loads.
 */
export function createStackMapper(options: StackMapperOptions): StackMapper {
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const location = new RegExp(`(?:file://)?${options.bundle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+):(\\d+)`, 'g');
  let sourceMap: SourceMap | null | undefined;

  const loaded = (): SourceMap | null => {
    if (sourceMap === undefined) {
      try {
        const payload = JSON.parse(readFile(`${options.bundle}.map`)) as SourceMapPayload;
        sourceMap = new (loadSourceMap())(payload);
      } catch {
        sourceMap = null;
      }
    }
    return sourceMap;
  };

  return (frames) => {
    if (!frames.some((frame) => frame.includes(options.bundle))) return [...frames];
    const map = loaded();
    if (!map) return [...frames];
    return frames.map((frame) =>
      frame.replace(location, (found, line: string, column: string) => originalLocation(map, Number(line), Number(column)) ?? found),
    );
  };
}

const loadSourceMap = (): typeof SourceMap => (require('node:module') as typeof import('node:module')).SourceMap;

function originalLocation(map: SourceMap, line: number, column: number): string | undefined {
  try {
    const entry = map.findEntry(line - 1, column - 1);
    if (!('originalSource' in entry) || entry.generatedLine !== line - 1) return undefined;
    const source = sourcePath(entry.originalSource);
    // The bundles' maps keep only where each stretch of a dependency's code starts (build/slim-source-map.ts).
    return source.startsWith('node_modules/') ? source : `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  } catch {
    return undefined;
  }
}

/** esbuild names sources relative to the map's folder: ../../shared/x.ts, ../../node_modules/axios/lib/y.js. */
function sourcePath(source: string): string {
  const dependency = source.indexOf('node_modules/');
  return dependency >= 0 ? source.slice(dependency) : source.replace(/^(\.\.\/)+/, '');
}

/** The `at …` lines of an error's stack, without the message it starts with (the log line has that already). */
export function stackFrames(error: Error): string[] {
  const stack: unknown = error.stack;
  if (typeof stack !== 'string') return [];
  return stack
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at '));
}
