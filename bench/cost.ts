import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchRoot, round, type Figure } from './figures';

/**
 * FC 3.0 compute units (CU) per chat turn, from measured durations and the sizing in s.yaml:
 *   CU = 0.0075 (one invocation) + vCPU × seconds × 1 + memory GB × seconds × 0.15
 * priced at USD 0.000020 per CU (tier 1, up to 100 M CU a month). Sources: the pay-as-you-go page of FC 3.0
 * (https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/product-overview/billing-overview-1 and
 * https://alibabacloud.com/help/en/functioncompute/product-overview/pay-as-you-go-billing-method), summarized in
 * docs/function-compute.md §6. Disk (s.yaml's 512 MB, 0.05 CU/GB·s) is left out, on the reading that
 * FC bills disk above 512 MB only (unconfirmed). FC bills on-demand instances for the wall time of an invocation,
 * including the time the worker waits on the model.
 */
export const CU_PER_INVOCATION = 75 / 10_000;
export const CU_PER_VCPU_SECOND = 1;
export const CU_PER_GB_SECOND = 0.15;
export const USD_PER_CU = 0.00002;

export interface Sizing {
  cpu: number;
  memoryMb: number;
}

/** cpu and memorySize of one resource in s.yaml (`resources: <name>: … props:`), read with a small line parser. */
export function readSizing(yaml: string, resource: string): Sizing {
  const lines = yaml.split('\n');
  const start = lines.findIndex((line) => line === `  ${resource}:`);
  if (start === -1) throw new Error(`s.yaml has no resource "${resource}"`);
  const end = lines.findIndex((line, index) => index > start && /^ {0,2}\S/.test(line));
  const block = lines.slice(start + 1, end === -1 ? undefined : end).join('\n');
  const number = (key: string): number => {
    const match = new RegExp(`^\\s+${key}:\\s*([0-9.]+)\\s*(?:#.*)?$`, 'm').exec(block);
    const value = Number(match?.[1]);
    if (!match || !Number.isFinite(value) || value <= 0) throw new Error(`s.yaml: no numeric ${key} under resources.${resource}`);
    return value;
  };
  return { cpu: number('cpu'), memoryMb: number('memorySize') };
}

export function computeUnits(sizing: Sizing, ms: number): number {
  const seconds = ms / 1000;
  return CU_PER_INVOCATION + sizing.cpu * seconds * CU_PER_VCPU_SECOND + (sizing.memoryMb / 1024) * seconds * CU_PER_GB_SECOND;
}

const usdPer1000 = (cu: number): string => `USD ${(cu * USD_PER_CU * 1000).toFixed(5)} per 1,000 turns`;

export function estimateCost(input: { callbackMs: number; workerMs: number; modelMs?: number }): Figure[] {
  const yaml = readFileSync(join(benchRoot(), 's.yaml'), 'utf8');
  const callback = readSizing(yaml, 'callback');
  const worker = readSizing(yaml, 'worker');
  const modelMs = input.modelMs ?? 8_000;
  const describe = (s: Sizing, ms: number): string => `${s.cpu} vCPU, ${s.memoryMb} MB, ${round(ms, 3)} ms`;
  const invocationOnly = { value: CU_PER_INVOCATION, what: 'the invocation charge alone (a zero-duration call)' };
  const figure = (name: string, cu: number, floorCu: number, note: string): Figure => ({
    group: 'cost',
    name,
    value: round(cu, 6),
    unit: 'CU',
    floor: { value: round(floorCu, 6), what: floorCu === CU_PER_INVOCATION ? invocationOnly.what : 'two invocation charges (zero-duration calls)' },
    ratio: round(cu / floorCu),
    note: `${note}; ${usdPer1000(cu)} at USD 0.000020/CU; CU = 0.0075 + vCPU·s + 0.15·GB·s`,
  });
  const callbackCu = computeUnits(callback, input.callbackMs);
  const workerCu = computeUnits(worker, input.workerMs);
  const turnCu = callbackCu + computeUnits(worker, input.workerMs + modelMs);
  return [
    figure('callback per turn', callbackCu, CU_PER_INVOCATION, `${describe(callback, input.callbackMs)} (measured handler p50)`),
    figure('worker per turn, overhead only', workerCu, CU_PER_INVOCATION, `${describe(worker, input.workerMs)} (measured worker turn, fake model instant)`),
    figure(`turn, model answering in ${modelMs / 1000} s`, turnCu, 2 * CU_PER_INVOCATION,
      `callback + worker at ${describe(worker, input.workerMs + modelMs)}: FC bills the wall time the worker waits on the model`),
  ];
}
