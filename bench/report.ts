import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, platform, release } from 'node:os';
import { join } from 'node:path';
import { benchRoot, type Figure } from './figures';

/**
 * The bench's output: a table on stdout, and the same figures in bench/results/latest.json and latest.md, with the
 * date and the machine (absolute times mean little without it; ratios to floors travel better), and a short table
 * in README.md between its bench markers.
 */
export interface Machine {
  os: string;
  cpuModel: string;
  cpuCount: number;
  node: string;
}

export function describeMachine(): Machine {
  const list = cpus();
  return { os: `${platform()} ${release()}`, cpuModel: list[0]?.model.trim() ?? 'unknown', cpuCount: list.length, node: process.version };
}

export const num = (value: number): string => (Math.abs(value) >= 100 ? String(Math.round(value)) : String(Number(value.toPrecision(4))));
const signed = (value: number): string => `${value > 0 ? '+' : value < 0 ? '−' : '±'}${num(Math.abs(value))}`;
const budgetText = (figure: Figure): string => (figure.budget ? `${figure.budget.pass ? 'PASS' : 'FAIL'} (${figure.budget.rule})` : '');

function rows(figures: readonly Figure[]): string[][] {
  return figures.map((figure) => [
    figure.group,
    figure.name,
    `${num(figure.value)} ${figure.unit}`,
    figure.floor ? `${num(figure.floor.value)} ${figure.unit}` : '',
    figure.ratio === undefined ? '' : `${num(figure.ratio)}×`,
    figure.difference === undefined ? '' : `${signed(figure.difference)} ${figure.unit}`,
    budgetText(figure),
  ]);
}

export const HEADER = ['group', 'figure', 'value', 'floor', 'value ÷ floor', 'value − floor', 'budget'];

export function formatTable(figures: readonly Figure[]): string {
  const table = [HEADER, ...rows(figures)];
  const widths = HEADER.map((_, column) => Math.max(...table.map((row) => (row[column] ?? '').length)));
  const line = (row: string[]): string => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  const notes = figures.map((figure) =>
    `- ${figure.name}: ${figure.floor ? `floor = ${figure.floor.what}` : 'no floor'}${figure.note ? `; ${figure.note}` : ''}`,
  );
  return [line(table[0] ?? []), widths.map((width) => '-'.repeat(width)).join('  '), ...table.slice(1).map(line), '', ...notes].join('\n');
}

const runLine = (date: string, machine: Machine, seconds: number): string =>
  `${date}, ${machine.os}, ${machine.cpuCount} × ${machine.cpuModel}, Node ${machine.node}; \`npm run bench\` took ${seconds.toFixed(0)} s.`;

export function formatMarkdown(figures: readonly Figure[], date: string, machine: Machine, seconds: number): string {
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  const body = rows(figures).map((row, index) => {
    const figure = figures[index] as Figure;
    const notes = [figure.floor ? `floor: ${figure.floor.what}` : '', figure.note ?? ''].filter(Boolean).join('; ');
    return `| ${[...row, notes].map(cell).join(' | ')} |`;
  });
  return [
    '# Benchmark results',
    '',
    runLine(date, machine, seconds),
    'value ÷ floor is a ratio, value − floor a difference in the figure\'s unit; a budget names the one it goes by.',
    'Budgets are reported, not asserted. Timings come from a shared 2-core machine and are noisy.',
    '',
    `| ${[...HEADER, 'notes'].join(' | ')} |`,
    `|${[...HEADER, 'notes'].map(() => '---').join('|')}|`,
    ...body,
    '',
  ].join('\n');
}

export const README_START = '<!-- bench:start -->';
export const README_END = '<!-- bench:end -->';

/**
 * The README's short table: figure, value, floor, value ÷ floor and value − floor in columns of their own (each filled
 * when the figure has a floor), budget.
 */
export function formatReadmeTable(figures: readonly Figure[], date: string, machine: Machine, seconds: number): string {
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  const lines = figures.map((figure) =>
    `| ${[
      figure.name,
      `${num(figure.value)} ${figure.unit}`,
      figure.floor ? `${num(figure.floor.value)} ${figure.unit}` : '',
      figure.ratio === undefined ? '' : `${num(figure.ratio)}×`,
      figure.difference === undefined ? '' : `${signed(figure.difference)} ${figure.unit}`,
      figure.budget ? `${figure.budget.pass ? '✅' : '❌'} ${figure.budget.rule}` : '',
    ].map(cell).join(' | ')} |`,
  );
  return [
    `最近一次 *Latest run*：${runLine(date, machine, seconds)}（共享机器，数字有噪声 · shared machine, noisy figures；完整表格及测法见 \`bench/results/latest.md\`）`,
    '',
    '| 项目 figure | 数值 value | 下限 floor | 数值 ÷ 下限 value ÷ floor | 数值 − 下限 value − floor | 预算 budget |',
    '|---|---|---|---|---|---|',
    ...lines,
  ].join('\n');
}

/** README text with the part between the bench markers replaced by `table`; throws when the markers are missing. */
export function replaceReadmeTable(readme: string, table: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${README_START} … ${README_END} section`);
  return `${readme.slice(0, start + README_START.length)}\n${table}\n${readme.slice(end)}`;
}

/** Prints the table and writes latest.json and latest.md (each through a .tmp file, so a failed run leaves the last). */
export function writeReport(figures: readonly Figure[], seconds: number): void {
  const date = new Date().toISOString();
  const machine = describeMachine();
  console.log(`\n${formatTable(figures)}\n`);
  const failed = figures.filter((figure) => figure.budget && !figure.budget.pass);
  console.log(failed.length ? `budgets: ${failed.length} FAIL (${failed.map((f) => f.name).join(', ')})` : 'budgets: all PASS');
  const folder = join(benchRoot(), 'bench', 'results');
  mkdirSync(folder, { recursive: true });
  const write = (name: string, text: string): void => {
    writeFileSync(join(folder, `${name}.tmp`), text);
    renameSync(join(folder, `${name}.tmp`), join(folder, name));
  };
  write('latest.json', `${JSON.stringify({ date, machine, durationSeconds: Math.round(seconds), figures }, null, 2)}\n`);
  write('latest.md', formatMarkdown(figures, date, machine, seconds));
  const readme = join(benchRoot(), 'README.md');
  writeFileSync(readme, replaceReadmeTable(readFileSync(readme, 'utf8'), formatReadmeTable(figures, date, machine, seconds)));
  console.log(`written: ${join('bench', 'results', 'latest.json')}, latest.md and the README's bench table`);
}
