import { build, type BuildOptions } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODE_CACHE_SUFFIX, codeCacheFile, loadCachedBundle } from './shared/fc/cached-bundle';
import { slimSourceMap, type RawSourceMap } from './build/slim-source-map';
import { withoutUnusedAliOss } from './build/trim-ali-oss';
import { AXIOS_LEFT_OUT, withoutAxiosFetchProbes } from './build/trim-axios';
import { PACKED_SETTINGS_FILE } from './shared/config/settings-file';
import { parseSettingsSource, SETTINGS_SOURCE_FILE } from './build/settings-source';
import { checkedControlsSource } from './build/controls-source';
import { CONTROLS_FILE_NAME } from './shared/controls/config/controls-setting';

/**
 * One minified CommonJS bundle per deployed function, with its source map and V8 code cache, into the folder s.yaml
 * deploys (dist/<function>/function.js, loaded by dist/<function>/index.js, which exports `handler`), plus the local server and chat tool under dist/local and the
 * benchmark runner under dist/bench.
 * Run with `npm run build`.
 */
const FUNCTIONS = ['callback', 'worker'] as const;
const LOCAL_TOOLS = ['server', 'chat', 'job', 'instance'] as const;
const root = __dirname.endsWith('dist') ? join(__dirname, '..') : __dirname;

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: root,
};

/**
 * How a deployed function is bundled; the bench's per-client programs (bench/clients) are built the same way, and
 * tests of the trimmed clients (test/unit/build) import it.
 */
export const production: BuildOptions = {
  ...common,
  minify: true,
  keepNames: true,
  // The map only turns logged frames into file:line (shared/logging/source-mapped-stack.ts): no copies of the
  // sources in it, and after the build only our own code's mappings in full (worker: 0.3 MB instead of 6.5 MB).
  sourcesContent: false,
  alias: {
    // ali-oss loads urllib, its default HTTP library and most of the worker's weight, but every OSS client we build
    // is given shared/storage/oss/urllib-transport.ts instead; the stand-in throws if it is ever called.
    urllib: './build/left-out/urllib.ts',
    // Parts of axios the DingTalk client never uses, replaced so that they cost no cold start (build/trim-axios.ts).
    ...AXIOS_LEFT_OUT,
  },
  plugins: [
    withoutAxiosFetchProbes,
    // ali-oss's bucket, image, multipart, RTMP, STS… modules and the helpers only they need, replaced by stand-ins
    // that fail loudly: the worker calls append, put, get, head and delete only (build/trim-ali-oss.ts).
    withoutUnusedAliOss(),
  ],
  // Headers, Response and FormData bound to our own classes, so that no cold turn loads undici (build/fetch-globals.ts).
  inject: ['./build/fetch-globals.ts'],
  legalComments: 'none',
};

async function main(): Promise<void> {
  for (const name of FUNCTIONS) rmSync(join(root, 'dist', name), { recursive: true, force: true });
  const settings = checkedSettings();
  // Checked before anything is built: a malformed controls file stops the build naming the field.
  const controls = checkedControlsSource(root, process.env);
  const sizes: Record<string, number> = {};
  for (const name of FUNCTIONS) {
    const outfile = join(root, 'dist', name, 'function.js');
    await build({ ...production, entryPoints: [join(root, 'functions', name, 'index.ts')], outfile });
    // Read at the first logged stack, not at start-up: kept small (build/slim-source-map.ts).
    const map = JSON.parse(readFileSync(`${outfile}.map`, 'utf8')) as RawSourceMap;
    writeFileSync(`${outfile}.map`, JSON.stringify(slimSourceMap(map, (source) => source.includes('node_modules/'))));
    // index.js, what FC loads: the few lines of shared/fc/function-entry.ts that compile function.js from its cache.
    const entry = join(root, 'dist', name, 'index.js');
    await build({ ...common, minify: true, sourcemap: false, entryPoints: [join(root, 'functions', name, 'entry.ts')], outfile: entry });
    writeCodeCache(outfile);
    sizes[name] = statSync(outfile).size;
    sizes[`${name} code cache`] = statSync(`${outfile}${CODE_CACHE_SUFFIX}`).size;
    sizes[`${name} loader`] = statSync(entry).size;
    if (settings) writeFileSync(join(root, 'dist', name, PACKED_SETTINGS_FILE), `${JSON.stringify(settings, null, 2)}\n`);
    // The controls file beside the bundle, as settings.json: each function reads and checks it at cold start.
    if (controls !== undefined) writeFileSync(join(root, 'dist', name, CONTROLS_FILE_NAME), controls);
  }
  await build({
    ...common,
    entryPoints: LOCAL_TOOLS.map((name) => join(root, 'local', `${name}.ts`)),
    outdir: join(root, 'dist', 'local'),
    packages: 'external',
  });
  await buildPlaygroundPage();
  // `npm run bench`: the measurements run the built bundles above; the bench itself needs no minifying.
  await build({
    ...common,
    entryPoints: [
      ...['index', 'pair-check', 'attack-memory', 'token-estimate', 'wechat-parser-cost', 'wechat-window', 'card-budget'].map((name) => join(root, 'bench', `${name}.ts`)),
      // The stand-ins process the bench forks: dist/bench/stand-ins.js
      { in: join(root, 'bench', 'stand-ins', 'process.ts'), out: 'stand-ins' },
      // `npm run soak`: dist/bench/soak/index.js
      { in: join(root, 'bench', 'soak', 'index.ts'), out: join('soak', 'index') },
    ],
    outdir: join(root, 'dist', 'bench'),
    packages: 'external',
  });
  // What each client costs a cold worker: built exactly as the worker is.
  await build({
    ...production,
    entryPoints: ['ali-oss', 'openai', 'axios'].map((name) => join(root, 'bench', 'clients', `${name}.ts`)),
    outdir: join(root, 'dist', 'bench', 'clients'),
  });
  writeFileSync(join(root, 'dist', 'sizes.json'), `${JSON.stringify(sizes, null, 2)}\n`);
  for (const name of FUNCTIONS) {
    const kib = (key: string) => `${((sizes[key] ?? 0) / 1024).toFixed(1)} KiB`;
    console.log(`dist/${name}/function.js  ${kib(name)}, code cache ${kib(`${name} code cache`)}, loader ${kib(`${name} loader`)}`);
  }
}

/**
 * The playground's browser page (local/playground/page): one minified script with its stylesheet (app.js, app.css)
 * and the HTML that loads them, into dist/local/playground, which the local server serves at /playground.
 */
async function buildPlaygroundPage(): Promise<void> {
  const page = join(root, 'local', 'playground', 'page');
  const out = join(root, 'dist', 'local', 'playground');
  await build({
    entryPoints: [join(page, 'main.tsx')],
    outfile: join(out, 'app.js'),
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    minify: true,
    sourcemap: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    logLevel: 'warning',
    absWorkingDir: root,
  });
  copyFileSync(join(page, 'index.html'), join(out, 'index.html'));
}

/**
 * V8's code cache of a function bundle, made by a fresh `node` (this build's, so FC accepts it only if its nodejs20
 * runs the same V8 with the same flags: docs/function-compute.md) that loads the bundle the way index.js does, with
 * an empty environment (no NODE_OPTIONS, no settings: the bundle wires its "misconfigured" handler and opens no
 * connection), and writes the cache of everything compiled by then.
 */
function writeCodeCache(bundle: string): void {
  execFileSync(process.execPath, [__filename, CODE_CACHE_ARG, bundle], { env: {}, stdio: ['ignore', 'ignore', 'inherit'] });
  if (!existsSync(`${bundle}${CODE_CACHE_SUFFIX}`)) throw new Error(`no code cache was written for ${bundle}`);
}

const CODE_CACHE_ARG = '--write-code-cache';

function codeCacheChild(bundle: string): void {
  const loaded = loadCachedBundle({ filename: bundle, createRequire: (module.constructor as typeof import('node:module')).createRequire });
  if (loaded.codeCache !== 'missing') throw new Error(`${bundle} already had a code cache (${loaded.codeCache})`);
  writeFileSync(`${bundle}${CODE_CACHE_SUFFIX}`, codeCacheFile(readFileSync(bundle), loaded.script.createCachedData()));
}

/**
 * settings.env, when the project has one, goes into every function's folder (FC deploys the folder as the code
 * package), parsed and checked here: unknown and secret keys stop the build before anything is deployed.
 */
function checkedSettings(): Record<string, string> | undefined {
  const path = join(root, SETTINGS_SOURCE_FILE);
  return existsSync(path) ? { ...parseSettingsSource(readFileSync(path, 'utf8')) } : undefined;
}

// Built only when run (npm run build), not when a test imports the options above.
if (require.main === module && process.argv[2] === CODE_CACHE_ARG) {
  codeCacheChild(process.argv[3] ?? '');
} else if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
