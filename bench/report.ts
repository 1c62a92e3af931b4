import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, platform, release } from 'node:os';
import { join } from 'node:path';
import { benchRoot, type Figure } from './figures';

/**
 * The bench's output: a table on stdout, and the same figures in bench/results/latest.json and latest.md, with the
 * date and the machine (absolute times mean little without it; ratios to floors travel better).
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

const num = (value: number): string => (Math.abs(value) >= 100 ? String(Math.round(value)) : String(Number(value.toPrecision(4))));
const budgetText = (figure: Figure): string => (figure.budget ? `${figure.budget.pass ? 'PASS' : 'FAIL'} (${figure.budget.rule})` : '');

function rows(figures: readonly Figure[]): string[][] {
  return figures.map((figure) => [
    figure.group,
    figure.name,
    `${num(figure.value)} ${figure.unit}`,
    figure.floor ? `${num(figure.floor.value)} ${figure.unit}` : '',
    figure.ratio === undefined ? '' : num(figure.ratio),
    budgetText(figure),
  ]);
}

const HEADER = ['group', 'figure', 'value', 'floor', 'ratio', 'budget'];

export function formatTable(figures: readonly Figure[]): string {
  const table = [HEADER, ...rows(figures)];
  const widths = HEADER.map((_, column) => Math.max(...table.map((row) => (row[column] ?? '').length)));
  const line = (row: string[]): string => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  const notes = figures.map((figure) =>
    `- ${figure.name}: ${figure.floor ? `floor = ${figure.floor.what}` : 'no floor'}${figure.note ? `; ${figure.note}` : ''}`,
  );
  return [line(table[0] ?? []), widths.map((width) => '-'.repeat(width)).join('  '), ...table.slice(1).map(line), '', ...notes].join('\n');
}

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
    `${date}, ${machine.os}, ${machine.cpuCount} × ${machine.cpuModel}, Node ${machine.node}; \`npm run bench\` took ${seconds.toFixed(0)} s.`,
    'Ratio = value / floor, except for cold start, where it is value − floor in ms. Budgets are reported, not asserted.',
    '',
    `| ${[...HEADER, 'notes'].join(' | ')} |`,
    `|${[...HEADER, 'notes'].map(() => '---').join('|')}|`,
    ...body,
    '',
  ].join('\n');
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
  console.log(`written: ${join('bench', 'results', 'latest.json')} and latest.md`);
}
