import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STAND_IN_APP_KEY, STAND_IN_APP_SECRET } from '../../local/dingtalk/dingtalk-stand-in';
import { startE2eStack, type E2eStack } from './e2e-stack';

const ROOT = join(__dirname, '..', '..');

/** Loaded into every function instance: notes each time a process opens a source map, however it does. */
const MAP_OPEN_RECORDER = `
const fs = require('node:fs');
const note = (path) => { if (String(path).endsWith('.map')) fs.appendFileSync(process.env.OPENED_MAPS_LOG, String(path) + '\\n'); };
for (const name of ['readFileSync', 'openSync', 'readFile', 'open', 'createReadStream']) {
  const original = fs[name];
  fs[name] = function (path, ...rest) { note(path); return original.call(this, path, ...rest); };
}
for (const name of ['readFile', 'open']) {
  const original = fs.promises[name];
  fs.promises[name] = function (path, ...rest) { note(path); return original.call(this, path, ...rest); };
}
`;

/** The line of shared/validation/parse.ts where malformed JSON throws, so frames can be checked against the source. */
const JSON_PARSE_LINE =
  readFileSync(join(ROOT, 'shared', 'validation', 'parse.ts'), 'utf8')
    .split('\n')
    .findIndex((line) => line.includes('JSON.parse(')) + 1;
const PARSE_FRAME = new RegExp(`^at parseJson \\(shared/validation/parse\\.ts:${JSON_PARSE_LINE}:\\d+\\)$`);

interface LogLine {
  message?: string;
  error?: { cause?: { stack?: string[] } };
}

const logLines = (text: string): LogLine[] =>
  text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);

/**
 * The built bundles run without --enable-source-maps (s.yaml): a logged stack still names the TypeScript file and
 * line, and the source map is read only once a stack is logged, never on a path that logs none.
 */
describe('end to end: logged stack traces', () => {
  let dir: string;
  let recorder: string;
  let openedLog: string;
  let e2e: E2eStack;
  const openedMaps = () => (existsSync(openedLog) ? readFileSync(openedLog, 'utf8').split('\n').filter(Boolean) : []);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stack-traces-'));
    recorder = join(dir, 'record-map-opens.js');
    openedLog = join(dir, 'opened-maps.log');
    writeFileSync(recorder, MAP_OPEN_RECORDER);
    e2e = await startE2eStack({ env: { NODE_OPTIONS: `--require ${recorder}`, OPENED_MAPS_LOG: openedLog } });
  });
  afterAll(async () => {
    await e2e.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a message without either function reading its source map', async () => {
    // Act
    const response = await e2e.send({ text: '你好' });
    await e2e.drain();
    // Assess
    expect(response.status).toBe(200);
    expect(e2e.dingtalk.messages).toHaveLength(1);
    expect(openedMaps()).toEqual([]);
  });

  it('logs why the callback refused a body with frames in the TypeScript sources', async () => {
    // Act
    const response = await e2e.post('{"msgId": "m1", ');
    await e2e.drain();
    // Assess
    expect(response.status).toBe(400);
    const logs = e2e.output.join('');
    const refused = logLines(logs).find((line) => line.message === 'callback refused');
    expect(refused?.error?.cause?.stack).toEqual(expect.arrayContaining([expect.stringMatching(PARSE_FRAME)]));
    expect(refused?.error?.cause?.stack?.join('\n')).not.toContain('function.js');
    expect(openedMaps().length).toBeGreaterThan(0);
    expect(openedMaps().every((path) => path.endsWith(join('dist', 'callback', 'function.js.map')))).toBe(true);
  });

  it('maps the worker’s stacks too, reading its map once however many are logged', () => {
    // Prepare: the built worker in a fresh process, given malformed events
    const runWorker = (events: number) => {
      const log = join(dir, `worker-${events}.log`);
      const output = execFileSync(
        process.execPath,
        [
          '--require',
          recorder,
          '-e',
          `const { handler } = require(${JSON.stringify(join(ROOT, 'dist', 'worker', 'index.js'))});
           (async () => { for (let i = 0; i < ${events}; i++) await handler(Buffer.from('{oops'), { requestId: 'r' + i }); })();`,
        ],
        {
          env: {
            PATH: process.env['PATH'] ?? '',
            OPENED_MAPS_LOG: log,
            DINGTALK_APP_KEY: STAND_IN_APP_KEY,
            DINGTALK_APP_SECRET: STAND_IN_APP_SECRET,
            OSS_BUCKET: 'bucket',
            OSS_REGION: 'oss-cn-hangzhou',
            OPENAI_API_KEY: 'sk-stack-traces-0000',
            OPENAI_MODEL: 'fake-model',
          },
        },
      ).toString('utf8');
      return { lines: logLines(output), opened: existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [] };
    };
    // Act
    const once = runWorker(1);
    const thrice = runWorker(3);
    // Assess
    const refused = thrice.lines.filter((line) => line.message === 'worker event refused');
    expect(refused).toHaveLength(3);
    for (const line of refused) expect(line.error?.cause?.stack).toEqual(expect.arrayContaining([expect.stringMatching(PARSE_FRAME)]));
    expect(once.opened.length).toBeGreaterThan(0);
    expect(thrice.opened).toEqual(once.opened);
  });
});
