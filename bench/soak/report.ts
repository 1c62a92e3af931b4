import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeMachine } from '../report';
import type { SoakVerdict } from './checker';
import type { FaultKind } from './plan';
import { projectRoot } from './soak-stack';

/** The soak's table on stdout, and the same in bench/results/soak-latest.json and soak-latest.md. */
export interface SoakRun {
  command: string;
  seed: number;
  faults: ReadonlyArray<{ kind: FaultKind; planned: number; messages: number; responses: number }>;
  kills: { issued: number; missed: number };
  verdict: SoakVerdict;
  seconds: number;
  logFile: string;
  /** The fault planned for a message, by tag, to say which faults the failures come from. */
  faultOf: (tag: string) => FaultKind | undefined;
}

const sample = (tags: readonly string[]): string => (tags.length === 0 ? '' : ` (${tags.slice(0, 8).join(' ')}${tags.length > 8 ? ' …' : ''})`);

/** How many of these messages met each fault kind: `fc-redelivery-concurrent 12, none 1`. */
export function byFault(tags: readonly string[], faultOf: SoakRun['faultOf']): string {
  const counts = new Map<string, number>();
  for (const tag of tags) counts.set(faultOf(tag) ?? 'no fault', (counts.get(faultOf(tag) ?? 'no fault') ?? 0) + 1);
  return [...counts].sort(([, a], [, b]) => b - a).map(([kind, count]) => `${kind} ${count}`).join(', ');
}

export function soakRows(run: SoakRun): Array<[string, string]> {
  const { verdict } = run;
  const perMessage = Object.entries(verdict.modelCalls.callsPerMessage)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([calls, count]) => `${calls} call${calls === '1' ? '' : 's'}: ${count}`)
    .join(', ');
  const { excused, unexcused } = verdict.modelCalls.repeatedAnswers;
  const from = (tags: readonly string[]): string => (tags.length === 0 ? '' : `; by fault: ${byFault(tags, run.faultOf)}`);
  return [
    ['messages', String(verdict.messages)],
    ...run.faults.map((fault): [string, string] => [
      `fault: ${fault.kind}`,
      `${fault.responses} injected into ${fault.messages} of ${fault.planned} planned messages`,
    ]),
    ['worker kills', `${run.kills.issued} issued, ${run.kills.missed} found no instance running the message`],
    ['answered once', String(verdict.answeredOnce)],
    ['duplicates inside the crash-after-delivery window', `${verdict.duplicatesInWindow.messages} messages, +${verdict.duplicatesInWindow.extraReplies} replies${from(verdict.duplicatesInWindow.tags)}`],
    ['duplicates outside it', `${verdict.duplicatesOutside.messages} messages, +${verdict.duplicatesOutside.extraReplies} replies${sample(verdict.duplicatesOutside.tags)}${from(verdict.duplicatesOutside.tags)}`],
    ['unanswered', `${verdict.unanswered.length}${sample(verdict.unanswered)}${from(verdict.unanswered)}`],
    ['replies not attributable', String(verdict.unattributedReplies)],
    ['lost turns', `${verdict.lostTurns.length}${sample(verdict.lostTurns)}${from(verdict.lostTurns)}`],
    ['unreadable histories', `${verdict.unreadableHistories.length} (archived copies: ${verdict.replacedHistories})`],
    ['model calls per message', `${perMessage} (total ${verdict.modelCalls.total})`],
    ['second complete model answer', `${unexcused.length} without a lost first answer${sample(unexcused)}${from(unexcused)}; ${excused.length} after a kill lost the first`],
    ['wall time', `${run.seconds.toFixed(1)} s`],
    ['checks', verdict.failures.length === 0 ? 'PASS' : `FAIL: ${verdict.failures.join('; ')}`],
  ];
}

export function writeSoakReport(run: SoakRun): void {
  const rows = soakRows(run);
  const width = Math.max(...rows.map(([name]) => name.length));
  console.log(`\n${rows.map(([name, value]) => `${name.padEnd(width)}  ${value}`).join('\n')}\n`);
  const date = new Date().toISOString();
  const machine = describeMachine();
  const folder = join(projectRoot(), 'bench', 'results');
  mkdirSync(folder, { recursive: true });
  const write = (name: string, text: string): void => {
    writeFileSync(join(folder, `${name}.tmp`), text);
    renameSync(join(folder, `${name}.tmp`), join(folder, name));
  };
  const { logFile: _log, faultOf: _faultOf, ...stored } = run;
  write('soak-latest.json', `${JSON.stringify({ date, machine, ...stored, table: Object.fromEntries(rows) }, null, 2)}\n`);
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  write('soak-latest.md', [
    '# Fault soak',
    '',
    `${date}, ${machine.os}, ${machine.cpuCount} × ${machine.cpuModel}, Node ${machine.node}; \`${run.command}\` (seed ${run.seed}).`,
    '',
    '| figure | value |',
    '|---|---|',
    ...rows.map(([name, value]) => `| ${cell(name)} | ${cell(value)} |`),
    '',
  ].join('\n'));
  console.log(`written: ${join('bench', 'results', 'soak-latest.json')} and soak-latest.md; the functions' log: ${run.logFile}`);
}
