import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(__dirname, '..', '..', '..', '..');

/**
 * A CommonJS bundle as the functions' are: uses Node built-ins, a file beside it, its own __filename/__dirname and
 * `module.exports`, and throws from its first line (where the loader's wrapper sits) when asked.
 */
const BUNDLE =
  "'use strict';const path=require('node:path'),helper=require('./helper.js');function fail(){throw new Error('line one')}\n" +
  'module.exports.handler = async (event) => {\n' +
  "  if (event === 'fail') fail();\n" +
  '  return { answer: helper.twice(event), file: path.basename(__filename), dir: __dirname };\n' +
  '};\n';
const FAIL_COLUMN = BUNDLE.indexOf("new Error('line one')") + 1;

interface ChildResult {
  codeCache: string;
  result?: { answer: number; file: string; dir: string };
  frame?: string;
}

/** Each load runs in a fresh node, as an FC instance does: V8's code cache only matters to a process that compiles. */
describe('loading a bundle through its V8 code cache', () => {
  let dir: string;
  let bundle: string;
  let loader: string;

  /** Loads the bundle in a fresh node (`flags` for it), calls its handler with `event`, writes the cache if asked. */
  const load = (event: unknown, options: { writeCache?: boolean; flags?: string[] } = {}): ChildResult => {
    const code = `
      const { loadCachedBundle, codeCacheFile } = require(${JSON.stringify(loader)});
      const fs = require('node:fs');
      const bundle = ${JSON.stringify(bundle)};
      const loaded = loadCachedBundle({ filename: bundle, createRequire: module.constructor.createRequire });
      if (${options.writeCache === true}) fs.writeFileSync(bundle + '.cache', codeCacheFile(fs.readFileSync(bundle), loaded.script.createCachedData()));
      loaded.exports.handler(${JSON.stringify(event)}).then(
        (result) => console.log(JSON.stringify({ codeCache: loaded.codeCache, result })),
        (error) => console.log(JSON.stringify({ codeCache: loaded.codeCache, frame: error.stack.split('\\n')[1].trim() })),
      );`;
    const output = execFileSync(process.execPath, [...(options.flags ?? []), '-e', code], { env: { PATH: process.env['PATH'] ?? '' } });
    return JSON.parse(output.toString('utf8')) as ChildResult;
  };
  const cacheFile = () => `${bundle}.cache`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cached-bundle-'));
    bundle = join(dir, 'function.js');
    loader = join(dir, 'loader.js');
    writeFileSync(bundle, BUNDLE);
    writeFileSync(join(dir, 'helper.js'), 'exports.twice = (n) => n * 2;\n');
    await build({
      entryPoints: [join(ROOT, 'shared', 'fc', 'cached-bundle.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      outfile: loader,
      logLevel: 'silent',
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => rmSync(cacheFile(), { force: true }));

  it('runs the bundle as a CommonJS module when there is no cache, and says the cache is missing', () => {
    // Act
    const loaded = load(21);
    // Assess
    expect(loaded).toEqual({ codeCache: 'missing', result: { answer: 42, file: 'function.js', dir } });
  });

  it('uses a cache made by the same node', () => {
    // Prepare
    load(1, { writeCache: true });
    // Act
    const loaded = load(21);
    // Assess
    expect(loaded).toEqual({ codeCache: 'accepted', result: { answer: 42, file: 'function.js', dir } });
  });

  it('compiles as usual when the cache is damaged, which V8 itself would not notice', () => {
    // Prepare: one byte of V8's data flipped (Node 20's V8 checks no checksum of it and would crash on it)
    load(1, { writeCache: true });
    const damaged = readFileSync(cacheFile());
    const at = damaged.length - 100;
    damaged[at] = (damaged[at] ?? 0) ^ 0xff;
    writeFileSync(cacheFile(), damaged);
    // Act
    const loaded = load(21);
    // Assess
    expect(loaded).toEqual({ codeCache: 'rejected', result: { answer: 42, file: 'function.js', dir } });
  });

  it.each([
    ['is not a cache at all', Buffer.from('not a code cache')],
    ['is empty', Buffer.alloc(0)],
  ])('compiles as usual when the cache file %s', (_case, contents) => {
    // Prepare
    writeFileSync(cacheFile(), contents);
    // Act
    const loaded = load(21);
    // Assess
    expect(loaded).toEqual({ codeCache: 'rejected', result: { answer: 42, file: 'function.js', dir } });
  });

  it('compiles as usual when the cache belongs to another version of the bundle of the same length', () => {
    // Prepare: V8 compares only the source's length; the cache is of the bundle before one letter changed
    load(1, { writeCache: true });
    const saved = join(dir, 'saved.cache');
    copyFileSync(cacheFile(), saved);
    writeFileSync(bundle, BUNDLE.replace('line one', 'line 0ne'));
    copyFileSync(saved, cacheFile());
    try {
      // Act
      const loaded = load('fail');
      // Assess
      expect(loaded.codeCache).toBe('rejected');
      expect(loaded.frame).toContain('function.js');
    } finally {
      writeFileSync(bundle, BUNDLE);
    }
  });

  it('compiles as usual when the runtime’s V8 runs with other flags than the build’s', () => {
    // Prepare: made by a node with a V8 flag the loading one does not have (as when FC's runtime sets flags)
    load(1, { writeCache: true, flags: ['--stack-size=900'] });
    // Act
    const loaded = load(21);
    // Assess
    expect(loaded).toEqual({ codeCache: 'rejected', result: { answer: 42, file: 'function.js', dir } });
  });

  it('reports stack frames of the first line at the file’s own columns, with or without the cache', () => {
    // Act
    const uncached = load('fail', { writeCache: true });
    const cached = load('fail');
    // Assess: what the source map is asked about is where the code is in function.js
    expect(uncached.frame).toBe(`at fail (${bundle}:1:${FAIL_COLUMN})`);
    expect(cached).toEqual({ codeCache: 'accepted', frame: `at fail (${bundle}:1:${FAIL_COLUMN})` });
  });
});
