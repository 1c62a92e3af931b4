import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { production } from '../../esbuild.config';

export const PROJECT_ROOT = join(__dirname, '..', '..');

export interface ProductionBundle {
  /** dist-like index.js in a temporary folder of its own. */
  file: string;
  metafile: Metafile;
  remove(): void;
}

/**
 * `source` bundled as a deployed function is (esbuild.config.ts `production`: minified, the trimmed clients, the
 * light fetch globals), so a test runs exactly what the worker or callback would: either a file of the project or a
 * few lines of TypeScript importing from it. `overrides` change single options (a test's own source map, say).
 */
export async function bundleForProduction(source: { entry: string } | { contents: string }, overrides: BuildOptions = {}): Promise<ProductionBundle> {
  const dir = mkdtempSync(join(tmpdir(), 'production-bundle-'));
  const file = join(dir, 'index.js');
  const input = 'entry' in source ? { entryPoints: [join(PROJECT_ROOT, source.entry)] } : { stdin: { contents: source.contents, resolveDir: PROJECT_ROOT, loader: 'ts' as const } };
  const result = await build({ ...production, ...input, ...overrides, outfile: file, metafile: true, logLevel: 'silent' });
  return { file, metafile: result.metafile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
