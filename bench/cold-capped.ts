import { coldRun, type ColdSpecs } from './cold-start';
import { type ColdRun } from './cold-process';
import { createCpuCaps, scaledWallMs } from './cpu-cap';
import { againstFloor, median, round, type Figure } from './figures';

/**
 * The cold process under a CPU cap like an FC instance's vCPU share, for each size considered: CPU-bound cold work
 * stretches as the share shrinks. Under a cgroup CPU quota when the bench can make one (labelled so), else a scaled
 * estimate from uncapped runs (cpu-cap.ts scaledWallMs, labelled so). Fewer runs than uncapped: at 0.05 vCPU one
 * worker start takes seconds.
 */
const RUNS = 5;

export interface CappedCold {
  vcpu: number;
  worker?: { ms: number; floorMs: number };
  callback?: { ms: number; floorMs: number };
}

export async function measureCapped(
  specs: ColdSpecs,
  workerSizes: readonly number[],
  callbackSizes: readonly number[],
): Promise<{ figures: Figure[]; capped: CappedCold[]; label: string }> {
  const sizes = [...new Set([...workerSizes, ...callbackSizes])].sort((a, b) => a - b);
  const caps = createCpuCaps(sizes);
  const label = caps ? 'cgroup CPU quota' : 'scaled estimate';
  const at = (run: ColdRun, vcpu: number): number =>
    caps ? run.wallMs : scaledWallMs({ wallMs: run.wallMs, cpuMs: run.report?.cpuMs ?? run.wallMs }, vcpu);
  const capped: CappedCold[] = [];
  const figures: Figure[] = [];
  try {
    for (const vcpu of sizes) {
      const procs = caps?.procs.get(vcpu);
      const samples = { workerBare: [] as number[], worker: [] as number[], callbackBare: [] as number[], callback: [] as number[] };
      for (let run = 0; run < RUNS; run += 1) {
        // Without a cgroup the floor must report its CPU time, so it is the reporting child rather than `node -e 0`.
        const bare = (options: string) => (caps ? specs.bare(options, procs) : { mode: 'floor' as const, nodeOptions: options });
        if (workerSizes.includes(vcpu)) {
          samples.workerBare.push(at(await coldRun(bare(specs.workerOptions), ''), vcpu));
          samples.worker.push(at(await coldRun(await specs.workerTurn(`cap${vcpu}-${run}`, procs), 'answered'), vcpu));
        }
        if (callbackSizes.includes(vcpu)) {
          samples.callbackBare.push(at(await coldRun(bare(specs.callbackOptions), ''), vcpu));
          samples.callback.push(at(await coldRun(specs.callbackCall(100_000 + Math.round(vcpu * 1000) * 10 + run, procs), '200'), vcpu));
        }
      }
      const entry: CappedCold = { vcpu };
      for (const fn of ['worker', 'callback'] as const) {
        if (samples[fn].length === 0) continue;
        const ms = median(samples[fn]);
        const floorMs = median(samples[`${fn}Bare`]);
        entry[fn] = { ms, floorMs };
        figures.push(
          againstFloor(
            {
              group: 'cpu cap',
              name: `${fn} cold process @ ${vcpu} vCPU (${label})`,
              value: round(ms),
              unit: 'ms',
              note:
                `${fn === 'worker' ? 'boot, require, first turn on 200 turns of history' : 'require + one signed call'}, ` +
                `median of ${RUNS}; ${caps ? `cgroup quota ${Math.round(vcpu * 100_000)} µs per 100,000 µs period (the process joins it from /bin/sh before exec)` : 'cpu ÷ vCPU + (wall − cpu) from uncapped runs'}`,
            },
            { value: floorMs, what: `bare node with the same NODE_OPTIONS under the same ${label}, median of ${RUNS}` },
          ),
        );
      }
      capped.push(entry);
    }
  } finally {
    caps?.remove();
  }
  return { figures, capped, label };
}
