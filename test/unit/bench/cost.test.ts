import { CALLBACK_SIZES, computeUnits, isValidFcSize, sizesWith, sizingOf, WORKER_SIZES } from '../../../bench/cost';
import type { SYaml } from '../../../bench/deployed-env';
import { scaledWallMs } from '../../../bench/cpu-cap';

describe('the bench cost model', () => {
  it('bills vCPU and GB by wall time plus one invocation, as FC 3.0 does', () => {
    // Act
    const today = computeUnits({ cpu: 0.25, memoryMb: 512 }, 8_000);
    const small = computeUnits({ cpu: 0.1, memoryMb: 128 }, 8_000);
    // Assess: 0.0075 + 0.25 × 8 + 0.5 × 8 × 0.15, and 0.0075 + 0.1 × 8 + 0.125 × 8 × 0.15
    expect(today).toBeCloseTo(2.6075, 6);
    expect(small).toBeCloseTo(0.9575, 6);
    expect(computeUnits({ cpu: 0.05, memoryMb: 128 }, 0)).toBeCloseTo(0.0075, 9);
  });

  it.each([
    [0.05, 128, true],
    [0.1, 128, true],
    [0.15, 192, true],
    [0.25, 256, true],
    [0.25, 512, true],
    [0.05, 256, false], // more than 4 GB per vCPU
    [0.25, 192, false], // less than 1 GB per vCPU
    [0.12, 128, false], // not a multiple of 0.05 vCPU
    [0.1, 100, false], // not a multiple of 64 MB
    [0.05, 64, false], // under 128 MB
  ])('holds %s vCPU / %s MB to FC’s valid sizes: %s', (cpu, memoryMb, valid) => {
    // Assess
    expect(isValidFcSize({ cpu, memoryMb })).toBe(valid);
  });

  it('considers only valid sizes, with the deployed one added once', () => {
    // Act
    const withDeployed = sizesWith(WORKER_SIZES, { cpu: 0.2, memoryMb: 256 });
    const already = sizesWith(CALLBACK_SIZES, { cpu: 0.1, memoryMb: 128 });
    // Assess
    expect(WORKER_SIZES.every(isValidFcSize)).toBe(true);
    expect(withDeployed.map((s) => `${s.cpu}/${s.memoryMb}`)).toEqual(['0.05/128', '0.1/128', '0.1/192', '0.15/192', '0.2/256', '0.25/256', '0.25/512']);
    expect(already).toHaveLength(CALLBACK_SIZES.length);
  });

  it('reads cpu and memorySize of one function from the parsed s.yaml', () => {
    // Prepare
    const props = (cpu: number, memorySize: number) => ({ props: { functionName: 'f', cpu, memorySize, diskSize: 512, timeout: 10, environmentVariables: {} } });
    const spec: SYaml = { vars: {}, resources: { worker: props(0.1, 128), callback: props(0.05, 128), broken: props(0, 128) } };
    // Assess
    expect(sizingOf(spec, 'worker')).toEqual({ cpu: 0.1, memoryMb: 128 });
    expect(sizingOf(spec, 'callback')).toEqual({ cpu: 0.05, memoryMb: 128 });
    expect(() => sizingOf(spec, 'other')).toThrow(/no resource "other"/);
    expect(() => sizingOf(spec, 'broken')).toThrow(/numeric cpu and memorySize/);
  });

  it('scales a run to a vCPU share by stretching its CPU time and keeping its waiting', () => {
    // Assess: 100 ms of CPU at 0.25 vCPU is 400 ms, plus the 50 ms it waited
    expect(scaledWallMs({ wallMs: 150, cpuMs: 100 }, 0.25)).toBe(450);
    // More CPU than wall (several threads): no negative waiting
    expect(scaledWallMs({ wallMs: 80, cpuMs: 100 }, 0.5)).toBe(200);
  });
});
