import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { decodeMappings, encodeMappings, slimSourceMap, type RawSourceMap } from '../../../build/slim-source-map';

const ROOT = join(__dirname, '..', '..', '..');
const isDependency = (source: string) => source.includes('node_modules/');

/** A bundle of our code and dependencies (valibot, axios), minified with its map, as the functions are built. */
describe('slimmed source maps', () => {
  let full: RawSourceMap;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slim-map-'));
    try {
      await build({
        stdin: {
          contents: "export * from './shared/validation/parse'; export { default as axios } from 'axios';",
          resolveDir: ROOT,
          loader: 'ts',
        },
        bundle: true,
        platform: 'node',
        format: 'cjs',
        minify: true,
        keepNames: true,
        sourcemap: 'external',
        sourcesContent: false,
        outfile: join(dir, 'index.js'),
        logLevel: 'silent',
      });
      full = JSON.parse(readFileSync(join(dir, 'index.js.map'), 'utf8')) as RawSourceMap;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('decodes and encodes esbuild’s mappings without changing a character', () => {
    // Act
    const again = encodeMappings(decodeMappings(full.mappings));
    // Assess
    expect(again).toBe(full.mappings);
  });

  it('keeps every position of our code exact and the file of every dependency position, with far fewer mappings', () => {
    // Prepare
    const slim = slimSourceMap(full, isDependency);
    const before = new SourceMap(full as unknown as SourceMapPayload);
    const after = new SourceMap(slim as unknown as SourceMapPayload);
    const positions = decodeMappings(full.mappings).flatMap((segments, line) => segments.map((segment) => [line, segment[0] ?? 0] as const));
    // Act
    const compared = positions.map(([line, column]) => [before.findEntry(line, column), after.findEntry(line, column)] as const);
    // Assess
    expect(full.sources.some(isDependency)).toBe(true);
    for (const [exact, slimmed] of compared) {
      if (!('originalSource' in exact)) continue;
      expect(slimmed).toMatchObject({ originalSource: exact.originalSource });
      if (!isDependency(exact.originalSource)) expect(slimmed).toEqual(exact);
    }
    const count = (map: RawSourceMap) => decodeMappings(map.mappings).flat().length;
    expect(count(slim)).toBeLessThan(count(full) / 2);
  });

  it('leaves a map of our code alone', () => {
    // Act
    const slim = slimSourceMap(full, () => false);
    // Assess
    expect(slim.mappings).toBe(full.mappings);
  });
});
