import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { estimateTokens } from '../shared/history/estimate-tokens';
import { TOKEN_SAMPLES } from '../test/helpers/token-samples';

/**
 * `npm run build && node dist/bench/token-estimate.js`: the prompt budget's token estimate beside the real
 * o200k_base count for each sample kind (ratio above 1: the estimate is on the safe side), then how fast the
 * estimate runs over a history tail's worth of text, since it runs on every turn.
 */
function main(): void {
  const rows = TOKEN_SAMPLES.map(({ kind, text }) => {
    const real = encode(text).length;
    const estimate = estimateTokens(text);
    return [kind, String(text.length), String(real), String(estimate), (estimate / real).toFixed(2)];
  });
  const header = ['kind', 'chars', 'o200k_base', 'estimate', 'ratio'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join(' | ')} |`;
  console.log([line(header), `|${widths.map((width, column) => `${column === 0 ? ':' : '-'}${'-'.repeat(width)}${column === 0 ? '-' : ':'}`).join('|')}|`, ...rows.map(line)].join('\n'));
  const ratios = rows.map((row) => Number(row[4]));
  console.log(`\nlowest ratio ${Math.min(...ratios).toFixed(2)}, highest ${Math.max(...ratios).toFixed(2)}`);
  console.log(speed());
}

/** 64 KiB of mixed samples (the default HISTORY_TAIL_BYTES is about that much text), estimated repeatedly. */
function speed(): string {
  let text = '';
  for (let index = 0; Buffer.byteLength(text) < 64 * 1024; index += 1) text += TOKEN_SAMPLES[index % TOKEN_SAMPLES.length]?.text ?? '';
  const rounds = 50;
  estimateTokens(text);
  const start = process.hrtime.bigint();
  for (let round = 0; round < rounds; round += 1) estimateTokens(text);
  const ms = Number(process.hrtime.bigint() - start) / 1e6 / rounds;
  return `estimate over ${text.length.toLocaleString('en-US')} characters (${Buffer.byteLength(text).toLocaleString('en-US')} bytes): ${ms.toFixed(2)} ms`;
}

main();
