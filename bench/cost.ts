import { readSYaml, type SYaml } from './deployed-env';
import { benchRoot, round, type Figure } from './figures';

/**
 * FC 3.0 compute units (CU) per chat turn, from measured durations and the sizing in s.yaml:
 *   CU = 0.0075 (one invocation) + vCPU × seconds × 1 + memory GB × seconds × 0.15
 * priced at USD 0.000020 per CU (tier 1, up to 100 M CU a month): docs/function-compute.md §6, with its sources.
 * Disk (s.yaml's 512 MB, 0.05 CU/GB·s) is left out, on the reading that FC bills disk above 512 MB only
 * (unconfirmed). FC bills on-demand instances for the wall time of an invocation, including the time the worker
 * waits on the model.
 */
export const CU_PER_INVOCATION = 75 / 10_000;
export const CU_PER_VCPU_SECOND = 1;
export const CU_PER_GB_SECOND = 0.15;
export const USD_PER_CU = 0.00002;

export interface Sizing {
  cpu: number;
  memoryMb: number;
}

/** cpu and memorySize of one function in s.yaml, as parsed by deployed-env.ts. */
export function sizingOf(spec: SYaml, resource: string): Sizing {
  const props = spec.resources[resource]?.props;
  if (props === undefined) throw new Error(`s.yaml has no resource "${resource}"`);
  const { cpu, memorySize } = props;
  if (!(cpu > 0) || !(memorySize > 0)) throw new Error(`s.yaml: resources.${resource} needs a numeric cpu and memorySize`);
  return { cpu, memoryMb: memorySize };
}

export function computeUnits(sizing: Sizing, ms: number): number {
  const seconds = ms / 1000;
  return CU_PER_INVOCATION + sizing.cpu * seconds * CU_PER_VCPU_SECOND + (sizing.memoryMb / 1024) * seconds * CU_PER_GB_SECOND;
}

const usdPer1000 = (cu: number): string => `USD ${(cu * USD_PER_CU * 1000).toFixed(4)} per 1,000`;

/** FC's valid sizes: vCPU a multiple of 0.05, memory a multiple of 64 MB from 128 MB, memory GB 1× to 4× the vCPU. */
export function isValidFcSize(sizing: Sizing): boolean {
  const steps = sizing.cpu / 0.05;
  const gb = sizing.memoryMb / 1024;
  return (
    sizing.cpu > 0 && Math.abs(steps - Math.round(steps)) < 1e-9 && sizing.memoryMb >= 128 && sizing.memoryMb % 64 === 0 &&
    gb >= sizing.cpu - 1e-9 && gb <= 4 * sizing.cpu + 1e-9
  );
}

/** The sizes considered, s.yaml's own added when it is not among them; invalid ones are dropped with a warning. */
export const WORKER_SIZES: readonly Sizing[] = [
  { cpu: 0.05, memoryMb: 128 }, { cpu: 0.1, memoryMb: 128 }, { cpu: 0.1, memoryMb: 192 }, { cpu: 0.15, memoryMb: 192 }, { cpu: 0.25, memoryMb: 256 }, { cpu: 0.25, memoryMb: 512 },
];
export const CALLBACK_SIZES: readonly Sizing[] = [{ cpu: 0.05, memoryMb: 128 }, { cpu: 0.1, memoryMb: 128 }];

export function sizesWith(candidates: readonly Sizing[], deployed: Sizing): Sizing[] {
  const all = candidates.some((s) => s.cpu === deployed.cpu && s.memoryMb === deployed.memoryMb) ? [...candidates] : [...candidates, deployed];
  return all.filter(isValidFcSize).sort((a, b) => a.cpu - b.cpu || a.memoryMb - b.memoryMb);
}

export const readDeployedSizing = (): { callback: Sizing; worker: Sizing } => {
  const spec = readSYaml(benchRoot());
  return { callback: sizingOf(spec, 'callback'), worker: sizingOf(spec, 'worker') };
};

export interface CostInput {
  /** Handler p50 and worker overhead median, measured on an uncapped core. */
  callbackMs: number;
  workerMs: number;
  /** The cold process at each vCPU, from cold-capped.ts. */
  cold: ReadonlyMap<number, { worker?: number; callback?: number }>;
  coldLabel: string;
  modelMs?: number;
}

const label = (s: Sizing) => `${s.cpu} vCPU / ${s.memoryMb} MB`;

/**
 * Per size: what a turn costs whose model answers in 8 s (callback at s.yaml's sizing + worker at this one), and its
 * cold process under that CPU cap. Warm overhead measured on a whole core is stretched by 1 ÷ vCPU (as if it were all
 * CPU: an upper bound); the 8 s of waiting are billed whole. Budget: s.yaml's sizing ≤ 1 CU per turn.
 */
export function estimateCost(input: CostInput): Figure[] {
  const deployed = readDeployedSizing();
  const modelMs = input.modelMs ?? 8_000;
  const callbackAt = (s: Sizing) => input.callbackMs / s.cpu;
  const callbackCu = computeUnits(deployed.callback, callbackAt(deployed.callback));
  const figures: Figure[] = [];
  for (const size of sizesWith(WORKER_SIZES, deployed.worker)) {
    const isDeployed = size.cpu === deployed.worker.cpu && size.memoryMb === deployed.worker.memoryMb;
    const warmMs = modelMs + input.workerMs / size.cpu;
    const turnCu = callbackCu + computeUnits(size, warmMs);
    const coldMs = input.cold.get(size.cpu)?.worker;
    const coldNote = coldMs === undefined ? 'cold process not measured at this vCPU' :
      `cold process ${round(coldMs, 0)} ms (${input.coldLabel}); a turn that starts the instance: ${round(callbackCu + computeUnits(size, modelMs + coldMs), 3)} CU`;
    figures.push({
      group: 'cost',
      name: `turn, model answering in ${modelMs / 1000} s, worker @ ${label(size)}${isDeployed ? ' (s.yaml)' : ''}`,
      value: round(turnCu, 4),
      unit: 'CU',
      ...(isDeployed ? { budget: { rule: '≤ 1 CU (the default sizing)', pass: turnCu <= 1 } } : {}),
      note:
        `worker ${round(warmMs, 1)} ms billed (8 s + ${round(input.workerMs, 2)} ms overhead ÷ ${size.cpu} vCPU) + callback ` +
        `${round(callbackCu, 5)} CU at s.yaml's ${label(deployed.callback)}; ${coldNote}; ${usdPer1000(turnCu)} turns at USD 0.000020/CU; ` +
        `CU = 0.0075 + vCPU·s + 0.15·GB·s`,
    });
  }
  for (const size of sizesWith(CALLBACK_SIZES, deployed.callback)) {
    const isDeployed = size.cpu === deployed.callback.cpu && size.memoryMb === deployed.callback.memoryMb;
    const cu = computeUnits(size, callbackAt(size));
    const coldMs = input.cold.get(size.cpu)?.callback;
    figures.push({
      group: 'cost',
      name: `callback per turn @ ${label(size)}${isDeployed ? ' (s.yaml)' : ''}`,
      value: round(cu, 6),
      unit: 'CU',
      note:
        `handler p50 ${round(input.callbackMs, 3)} ms ÷ ${size.cpu} vCPU; ` +
        `${coldMs === undefined ? 'cold process not measured at this vCPU' : `cold process ${round(coldMs, 0)} ms (${input.coldLabel}), which DingTalk waits for on an instance's first callback`}`,
    });
  }
  return figures;
}
