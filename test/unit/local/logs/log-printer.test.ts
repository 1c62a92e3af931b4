import { createLogPrinter, logFormatOf } from '../../../../local/logs/log-printer';
import { ConfigError } from '../../../../shared/errors';

const LOG = JSON.stringify({ level: 'info', timestamp: '2026-12-02T10:03:04.123Z', service: 'dingtalk-callback', message: 'accepted', msgId: 'msgabc123456' });

describe('createLogPrinter', () => {
  const printed = (format: 'readable' | 'json', chunks: string[]): string[] => {
    const out: string[] = [];
    const printer = createLogPrinter({ format, write: (text) => out.push(text), timeZone: 'UTC' });
    for (const chunk of chunks) printer(chunk);
    return out;
  };

  it('reassembles a line cut across chunks and prints it readable', () => {
    // Act
    const out = printed('readable', [LOG.slice(0, 20), LOG.slice(20, 50), `${LOG.slice(50)}\n`]);
    // Assess
    expect(out).toEqual(['10:03:04.123 UTC INFO  callback accepted  msg=…123456\n']);
  });

  it('prints every line of a chunk that holds several, and holds a trailing partial line back until it ends', () => {
    // Act
    const out = printed('readable', [`${LOG}\r\n${LOG}\n${LOG.slice(0, 10)}`]);
    // Assess
    expect(out).toHaveLength(2);
  });

  it('passes lines that are not log lines through unchanged', () => {
    // Act
    const out = printed('readable', ['Error: boom\n    at main (index.js:1:2)\n{"errcode":0}\n']);
    // Assess
    expect(out).toEqual(['Error: boom\n', '    at main (index.js:1:2)\n', '{"errcode":0}\n']);
  });

  it('prints JSON lines unchanged in json mode', () => {
    // Act
    const out = printed('json', [LOG.slice(0, 30), `${LOG.slice(30)}\n`]);
    // Assess
    expect(out).toEqual([`${LOG}\n`]);
  });

  it('prints a last line without its newline when flushed', () => {
    // Arrange
    const out: string[] = [];
    const printer = createLogPrinter({ format: 'readable', write: (text) => out.push(text) });
    printer('half a line');
    // Act
    printer.flush();
    // Assess
    expect(out).toEqual(['half a line\n']);
  });
});

describe('logFormatOf', () => {
  it.each([
    [{}, [], 'readable'],
    [{ LOCAL_LOG_FORMAT: 'readable' }, [], 'readable'],
    [{ LOCAL_LOG_FORMAT: 'JSON' }, [], 'json'],
    [{ LOCAL_LOG_FORMAT: '' }, [], 'readable'],
    [{}, ['--json-logs'], 'json'],
    [{ LOCAL_LOG_FORMAT: 'readable' }, ['node', 'server.js', '--json-logs'], 'json'],
  ])('reads %j with arguments %j as %s', (env, argv, format) => {
    // Act / Assess
    expect(logFormatOf(env, argv)).toBe(format);
  });

  it('refuses a mistyped LOCAL_LOG_FORMAT, naming the setting', () => {
    // Act / Assess
    expect(() => logFormatOf({ LOCAL_LOG_FORMAT: 'jsno' }, [])).toThrow(ConfigError);
    expect(() => logFormatOf({ LOCAL_LOG_FORMAT: 'jsno' }, [])).toThrow(/LOCAL_LOG_FORMAT/);
  });
});
