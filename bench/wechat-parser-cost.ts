import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What fast-xml-parser adds to a cold callback: the /wechat route bundled as the functions are (minified CommonJS
 * for node20), once with the parser and once with it replaced by a stub, each loaded by a fresh `node` process, the
 * two interleaved with `node -e 0`, medians of ROUNDS. Not run in tests: `npm run build && node dist/bench/wechat-parser-cost.js`.
 */
const ROUNDS = Number(process.env['ROUNDS'] ?? 25);
const root = join(__dirname, '..', '..');

async function bundle(dir: string, name: string, stubParser: boolean): Promise<string> {
  const stub = join(dir, 'stub.js');
  writeFileSync(stub, 'exports.XMLParser = class { parse() { return {}; } }; exports.XMLValidator = { validate: () => true };\n');
  const outfile = join(dir, `${name}.js`);
  await build({
    stdin: { contents: "export { createWechatRoute } from './shared/channels/wechat/wechat-route';", resolveDir: root, loader: 'ts' },
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, keepNames: true, outfile, logLevel: 'warning',
    ...(stubParser ? { alias: { 'fast-xml-parser': stub } } : {}),
  });
  return outfile;
}

function coldMs(args: string[]): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { stdio: 'ignore', env: {} });
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${run.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wechat-parser-'));
  try {
    const withParser = await bundle(dir, 'with-parser', false);
    const withoutParser = await bundle(dir, 'without-parser', true);
    const times = { bare: [] as number[], without: [] as number[], with: [] as number[] };
    for (let round = 0; round < ROUNDS; round += 1) {
      times.bare.push(coldMs(['-e', '0']));
      times.without.push(coldMs(['-e', `require(${JSON.stringify(withoutParser)})`]));
      times.with.push(coldMs(['-e', `require(${JSON.stringify(withParser)})`]));
    }
    const kib = (file: string) => (statSync(file).size / 1024).toFixed(1);
    console.log(`rounds ${ROUNDS} (interleaved; medians; a shared 2-core machine, so noisy)`);
    console.log(`node -e 0                 ${median(times.bare).toFixed(1)} ms`);
    console.log(`route without the parser  ${median(times.without).toFixed(1)} ms  (${kib(withoutParser)} KiB)`);
    console.log(`route with fast-xml-parser ${median(times.with).toFixed(1)} ms  (${kib(withParser)} KiB)`);
    console.log(`parser's cost: +${(median(times.with) - median(times.without)).toFixed(1)} ms, +${(statSync(withParser).size / 1024 - statSync(withoutParser).size / 1024).toFixed(1)} KiB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
