import { existsSync, mkdirSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A CPU quota like an FC instance's fraction of a vCPU: one cgroup per size, `vcpu × 100 ms` of CPU per 100 ms period
 * (cgroup v2 cpu.max, or v1 cpu.cfs_quota_us under /sys/fs/cgroup/cpu). A process is put in it by writing its pid
 * to the cgroup's cgroup.procs before it execs node. Where no cgroup can be made (not root, read-only
 * cgroupfs), `caps` is undefined and the figures are a scaled estimate instead (scaledWallMs).
 */
const PERIOD_US = 100_000;

export interface CpuCaps {
  /** vCPU → the cgroup.procs file of its cgroup. */
  procs: ReadonlyMap<number, string>;
  remove(): void;
}

const isDirectory = (path: string): boolean => existsSync(path) && statSync(path).isDirectory();

function cgroupRoot(): { root: string; write: (dir: string, vcpu: number) => void } | undefined {
  const quota = (vcpu: number) => String(Math.round(vcpu * PERIOD_US));
  if (existsSync('/sys/fs/cgroup/cgroup.controllers')) {
    return { root: '/sys/fs/cgroup', write: (dir, vcpu) => writeFileSync(join(dir, 'cpu.max'), `${quota(vcpu)} ${PERIOD_US}`) };
  }
  const v1 = ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpu,cpuacct'].find(isDirectory);
  if (v1 === undefined) return undefined;
  return {
    root: v1,
    write: (dir, vcpu) => {
      writeFileSync(join(dir, 'cpu.cfs_period_us'), String(PERIOD_US));
      writeFileSync(join(dir, 'cpu.cfs_quota_us'), quota(vcpu));
    },
  };
}

/** One cgroup per vCPU size, or undefined when this machine does not let the bench make them. */
export function createCpuCaps(vcpus: readonly number[]): CpuCaps | undefined {
  const found = cgroupRoot();
  if (found === undefined) return undefined;
  const made: string[] = [];
  const remove = (): void => {
    for (const dir of made.splice(0)) {
      try {
        rmdirSync(dir);
      } catch (error) {
        process.stderr.write(`bench: could not remove cgroup ${dir}: ${String(error)}\n`);
      }
    }
  };
  const procs = new Map<number, string>();
  try {
    for (const vcpu of vcpus) {
      const dir = join(found.root, `dingtalk-llm-bench-${process.pid}-${Math.round(vcpu * 100)}`);
      mkdirSync(dir);
      made.push(dir);
      found.write(dir, vcpu);
      procs.set(vcpu, join(dir, 'cgroup.procs'));
    }
  } catch {
    remove();
    return undefined;
  }
  return { procs, remove };
}

/**
 * Without a cgroup: a process's wall time at `vcpu`, from an uncapped run, if its CPU work stretched by 1 ÷ vcpu and
 * its waiting stayed as it was: cpu ÷ vcpu + (wall − cpu). CPU time counts every thread, as a quota would.
 */
export function scaledWallMs(run: { wallMs: number; cpuMs: number }, vcpu: number): number {
  return run.cpuMs / vcpu + Math.max(0, run.wallMs - run.cpuMs);
}
