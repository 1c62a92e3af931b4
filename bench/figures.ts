import { basename, dirname, join } from 'node:path';

/**
 * One benchmark figure: what was measured, next to its floor measured in the same run (absolute times drift on a
 * shared machine), and the budget it is held to, reported as pass or fail — never asserted by a test.
 */
export interface Figure {
  /** Section, e.g. 'acknowledgement', 'cold process', 'worker', 'streaming', 'memory', 'history', 'cost'. */
  group: string;
  /** What this figure is, in English, e.g. 'callback handler p99'. */
  name: string;
  value: number;
  unit: string;
  /** The floor measured in the same run, and what it is. */
  floor?: { value: number; what: string };
  /** value ÷ floor.value, rounded to two decimals. */
  ratio?: number;
  /** value − floor.value, in the figure's unit. */
  difference?: number;
  budget?: { rule: string; pass: boolean };
  /** Anything needed to read the figure (sample size, settings). */
  note?: string;
}

export const round = (value: number, digits = 2): number => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

/** A figure with its floor, their ratio and their difference; its budget's rule names the one it goes by. */
export function againstFloor(figure: Omit<Figure, 'ratio' | 'difference' | 'floor'>, floor: { value: number; what: string }): Figure {
  return {
    ...figure,
    floor: { value: round(floor.value, 3), what: floor.what },
    ratio: round(figure.value / floor.value),
    difference: round(figure.value - floor.value, 3),
  };
}

/** Sorted-sample percentile (nearest rank). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export const median = (samples: readonly number[]): number => percentile(samples, 50);

/** The repository root, whether this runs from bench/ (TypeScript) or from the built dist/bench/index.js. */
export function benchRoot(): string {
  return basename(dirname(__dirname)) === 'dist' ? join(__dirname, '..', '..') : join(__dirname, '..');
}

/** Milliseconds since `start` (a process.hrtime.bigint() reading). */
export const elapsedMs = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

/** "lo–hi" of a sample, for notes. */
export const range = (samples: readonly number[], digits = 1): string => `${round(Math.min(...samples), digits)}–${round(Math.max(...samples), digits)}`;
