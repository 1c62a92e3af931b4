import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { benchRoot, elapsedMs, median, round, type Figure } from './figures';

/**
 * Cold start: each bundle's size, and how long `node -e "require('<bundle>')"` takes against bare `node -e 0`,
 * median of `runs` runs interleaved (bare, callback, worker, bare, …) so all three share the machine's noise.
 * One unrecorded round first warms the file cache. The budget is a difference, not a ratio: require time is added
 * to node's own start, which FC pays once per instance anyway.
 */
const BUNDLES = ['callback', 'worker'] as const;
const CALLBACK_BUDGET_MS = 40;

// What each bundle reads at load (its config), with placeholder values; nothing is contacted.
const ENV = {
  PATH: process.env['PATH'] ?? '',
  DINGTALK_APP_KEY: 'bench-app-key',
  DINGTALK_APP_SECRET: 'bench-app-secret-0123456789',
  OSS_BUCKET: 'bench-bucket',
  OSS_REGION: 'cn-hangzhou',
  OPENAI_API_KEY: 'sk-bench-0000000000',
};

function timeNode(code: string): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['-e', code], { env: ENV, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = elapsedMs(start);
  if (result.status !== 0) throw new Error(`node -e "${code}" failed (${result.status}): ${result.stderr.toString()}`);
  return ms;
}

export async function measureColdStart(runs = 15): Promise<Figure[]> {
  const dist = join(benchRoot(), 'dist');
  const sizes = JSON.parse(readFileSync(join(dist, 'sizes.json'), 'utf8')) as Record<string, number>;
  const targets: Record<string, string> = { bare: '0' };
  for (const name of BUNDLES) targets[name] = `require(${JSON.stringify(join(dist, name, 'index.js'))})`;
  const times: Record<string, number[]> = { bare: [], callback: [], worker: [] };
  for (let run = -1; run < runs; run += 1) {
    for (const [name, code] of Object.entries(targets)) {
      const ms = timeNode(code);
      if (run >= 0) times[name]?.push(ms);
    }
  }
  const bare = median(times['bare'] ?? []);
  const figures: Figure[] = [];
  for (const name of BUNDLES) {
    const bytes = sizes[name];
    if (bytes === undefined) throw new Error(`dist/sizes.json has no ${name}: run npm run build`);
    const gzip = gzipSync(readFileSync(join(dist, name, 'index.js'))).length;
    figures.push({
      group: 'cold start',
      name: `${name} bundle size`,
      value: round(bytes / 1024, 1),
      unit: 'KiB',
      note: `${bytes} bytes, ${round(gzip / 1024, 1)} KiB gzip (dist/${name}/index.js, source map excluded)`,
    });
  }
  for (const name of BUNDLES) {
    const value = median(times[name] ?? []);
    const difference = round(value - bare);
    figures.push({
      group: 'cold start',
      name: `${name} require, median`,
      value: round(value),
      unit: 'ms',
      floor: { value: round(bare), what: 'bare `node -e 0`, median' },
      ratio: difference,
      ...(name === 'callback' ? { budget: { rule: `≤ ${CALLBACK_BUDGET_MS} ms above bare node`, pass: difference <= CALLBACK_BUDGET_MS } } : {}),
      note: `ratio is the difference value − floor in ms, not a quotient; median of ${runs} runs of node -e "require('<bundle>')" interleaved with bare node`,
    });
  }
  return figures;
}
