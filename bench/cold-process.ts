import { spawn } from 'node:child_process';

/**
 * A cold process: a fresh `node` with the function's deployed NODE_OPTIONS that (mode 'run') loads a bundle, calls
 * its `handler` once with the given event and exits, or (mode 'require') only loads it, or (mode 'floor') loads
 * nothing but still reports, or (mode 'bare') is `node -e 0`. Its wall time runs from spawn to exit, measured by a small launcher process, not by the bench:
 * Linux carries a process's maxRSS over fork and exec, so a child forked straight from the bench (which holds the
 * worker, the figures and the logs) would report at least the bench's own RSS; the launcher's fork is as small as a
 * bare node. The child writes `process.resourceUsage()` (peak RSS, CPU time) synchronously to fd 3 in an exit
 * handler, after the handler has resolved and the callbacks it left queued have run.
 */
export type ColdMode = 'bare' | 'floor' | 'require' | 'run';

export interface ColdSpec {
  mode: ColdMode;
  /** The bundle to load ('require', 'run'). */
  bundle?: string;
  /** The function's environment (its settings); NODE_OPTIONS is set from `nodeOptions`. */
  env?: Record<string, string>;
  nodeOptions: string;
  event?: Buffer;
  context?: unknown;
  /** A cgroup.procs file: the process joins that cgroup before node starts. */
  cgroupProcs?: string;
}

export interface ColdReport {
  outcome: string;
  maxRssKiB: number;
  cpuMs: number;
}

export interface ColdRun {
  wallMs: number;
  /** Absent for mode 'bare', which is exactly `node -e 0`. */
  report?: ColdReport;
}

const CHILD = `
const { writeSync } = require('node:fs');
let outcome = process.env.BENCH_BUNDLE ? 'required' : 'nothing loaded';
process.on('exit', () => {
  const usage = process.resourceUsage();
  writeSync(3, JSON.stringify({ outcome, maxRssKiB: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 }));
});
const loaded = process.env.BENCH_BUNDLE ? require(process.env.BENCH_BUNDLE) : undefined;
if (process.env.BENCH_MODE === 'run') {
  const event = Buffer.from(process.env.BENCH_EVENT, 'base64');
  loaded.handler(event, JSON.parse(process.env.BENCH_CONTEXT))
    .then((result) => {
      outcome = typeof result === 'string' ? result : String(result && result.statusCode);
      // FC would freeze the instance here; idle keep-alive sockets would keep node alive, so end once the callbacks
      // the turn left queued have run.
      return new Promise((resolve) => setTimeout(() => setImmediate(resolve), 0));
    })
    .then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });
}
`;

const LAUNCHER = `
const spec = JSON.parse(process.env.BENCH_SPEC);
const args = spec.procs
  ? ['/bin/sh', ['-c', 'echo $$ > "$0" && exec "$1" -e "$2"', spec.procs, process.execPath, spec.code]]
  : [process.execPath, ['-e', spec.code]];
const start = process.hrtime.bigint();
const child = require('node:child_process').spawn(args[0], args[1], { env: spec.env, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
let wallMs = 0;
let report = '';
let stderr = '';
child.on('exit', () => (wallMs = Number(process.hrtime.bigint() - start) / 1e6));
child.stderr.on('data', (chunk) => (stderr += chunk));
child.stdio[3].on('data', (chunk) => (report += chunk));
child.on('close', (code) => process.stdout.write(JSON.stringify({ code, wallMs, report, stderr: stderr.slice(-4000) })));
`;

export function runCold(spec: ColdSpec): Promise<ColdRun> {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', ...spec.env };
  if (spec.nodeOptions !== '') env['NODE_OPTIONS'] = spec.nodeOptions;
  if (spec.mode !== 'bare') {
    if (spec.bundle === undefined && spec.mode !== 'floor') throw new Error(`cold process mode ${spec.mode} needs a bundle`);
    if (spec.bundle !== undefined && spec.mode !== 'floor') env['BENCH_BUNDLE'] = spec.bundle;
    env['BENCH_MODE'] = spec.mode;
    env['BENCH_EVENT'] = (spec.event ?? Buffer.alloc(0)).toString('base64');
    env['BENCH_CONTEXT'] = JSON.stringify(spec.context ?? {});
  }
  const launch = { env, code: spec.mode === 'bare' ? '0' : CHILD, ...(spec.cgroupProcs ? { procs: spec.cgroupProcs } : {}) };
  return new Promise((resolve, reject) => {
    // The launcher itself runs without the function's NODE_OPTIONS; only the measured child gets them.
    const launcher = spawn(process.execPath, ['-e', LAUNCHER], {
      env: { PATH: env['PATH'] ?? '', BENCH_SPEC: JSON.stringify(launch) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    launcher.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    launcher.on('error', reject);
    launcher.on('close', (code) => {
      let result: { code: number | null; wallMs: number; report: string; stderr: string };
      try {
        result = JSON.parse(out) as typeof result;
      } catch {
        return reject(new Error(`cold process launcher exited ${code} without a result: ${out.slice(-2000)}`));
      }
      if (result.code !== 0) return reject(new Error(`cold process (${spec.mode} ${spec.bundle ?? ''}) exited ${result.code}:\n${result.stderr}`));
      if (spec.mode === 'bare') return resolve({ wallMs: result.wallMs });
      if (result.report === '') return reject(new Error(`cold process (${spec.mode}) wrote no report:\n${result.stderr}`));
      resolve({ wallMs: result.wallMs, report: JSON.parse(result.report) as ColdReport });
    });
  });
}
