import { ConfigError } from '../../shared/errors';
import { parseLogLine, readableLogLine } from './log-line';

export type LogFormat = 'readable' | 'json';

export interface LogPrinterOptions {
  format: LogFormat;
  /** Receives whole lines, each ending in '\n' (process.stdout.write). */
  write: (text: string) => void;
  /** Also receives every whole line as the functions wrote it (the playground's log panel reads them). */
  onLine?: (line: string) => void;
  /** Shown times are in this zone; the machine's by default. */
  timeZone?: string;
}

/** Takes raw output chunks; `flush` prints a last line that never got its '\n' (the instance stopped mid-line). */
export type LogPrinter = ((chunk: string) => void) & { flush(): void };

/** A line longer than this without a '\n' is printed as it is rather than held on to without bound. */
const MAX_PENDING = 1024 * 1024;

/**
 * The local FC hands over an instance's stdout and stderr as they arrive: a chunk may end mid-line or hold several
 * lines. The printer reassembles lines and prints each readable (log-line.ts), or unchanged in 'json' mode, which is
 * what production ships to SLS. Lines that are not JSON log lines (a crash's stack on stderr) pass through unchanged.
 */
export function createLogPrinter(options: LogPrinterOptions): LogPrinter {
  let pending = '';
  const print = (line: string): void => {
    options.onLine?.(line);
    const event = options.format === 'readable' ? parseLogLine(line) : undefined;
    const timeZone = options.timeZone === undefined ? {} : { timeZone: options.timeZone };
    options.write(`${event === undefined ? line : readableLogLine(event, timeZone)}\n`);
  };
  const printer = (chunk: string): void => {
    pending += chunk;
    let end = pending.indexOf('\n');
    while (end !== -1) {
      print(pending.slice(0, end).replace(/\r$/, ''));
      pending = pending.slice(end + 1);
      end = pending.indexOf('\n');
    }
    if (pending.length > MAX_PENDING) printer.flush();
  };
  printer.flush = (): void => {
    if (pending === '') return;
    const line = pending;
    pending = '';
    print(line);
  };
  return printer;
}

/**
 * Readable by default; JSON, as the functions write it, with LOCAL_LOG_FORMAT=json or `npm start -- --json-logs`
 * (for piping into jq, or to see exactly what SLS would get). Any other LOCAL_LOG_FORMAT is a typo, refused.
 */
export function logFormatOf(env: Readonly<Record<string, string | undefined>>, argv: readonly string[]): LogFormat {
  if (argv.includes('--json-logs')) return 'json';
  const setting = env['LOCAL_LOG_FORMAT']?.trim().toLowerCase();
  if (setting === undefined || setting === '' || setting === 'readable') return 'readable';
  if (setting === 'json') return 'json';
  throw new ConfigError('LOCAL_LOG_FORMAT', { en: 'must be readable or json', zh: '应为 readable 或 json' });
}
