import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BotError } from '../../../../shared/errors';
import { createLogger, type Logger } from '../../../../shared/logging/logger';
import { createStackMapper } from '../../../../shared/logging/source-mapped-stack';
import { captureLog } from '../../../helpers/builders';
import { bundleForProduction, PROJECT_ROOT } from '../../../helpers/production-bundle';

const SECRET = 'sk-unit-secret-0123456789';

/** Code of ours, bundled the way the functions are (minified, names kept, map beside it). */
interface Bundled {
  parse(text: string): unknown;
  fail(message: string): never;
}

/** The line of shared/validation/parse.ts where malformed JSON throws. */
const JSON_PARSE_LINE =
  readFileSync(join(PROJECT_ROOT, 'shared', 'validation', 'parse.ts'), 'utf8')
    .split('\n')
    .findIndex((line) => line.includes('JSON.parse(')) + 1;

interface Described {
  message?: string;
  stack?: string[];
  cause?: Described;
}

describe('source-mapped stacks', () => {
  let dir: string;
  let remove: () => void;
  let bundle: string;
  let code: Bundled;

  beforeAll(async () => {
    const built = await bundleForProduction(
      {
        contents:
          "import { parseJson } from './shared/validation/parse';\n" +
          'export const parse = (text: string): unknown => parseJson(text);\n' +
          'export function fail(message: string): never { throw new TypeError(message); }\n' +
          "export { createStackMapper, stackFrames } from './shared/logging/source-mapped-stack';\n",
      },
      // The map beside the bundle without the comment naming it, so that jest's own stack mapping leaves it alone.
      { sourcemap: 'external' },
    );
    bundle = built.file;
    dir = dirname(bundle);
    remove = built.remove;
    code = require(bundle) as Bundled;
  });
  afterAll(() => remove());

  function setUp(readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')) {
    const reads: string[] = [];
    const log = captureLog();
    const mapStack = createStackMapper({ bundle, readFile: (path) => (reads.push(path), readFile(path)) });
    const logger = createLogger({ service: 'svc', write: log.write, secrets: [SECRET], mapStack });
    const errorOf = (entry: Record<string, unknown> | undefined) => entry?.['error'] as Described | undefined;
    return { reads, log, logger, errorOf };
  }

  const logParseFailure = (logger: Logger) => {
    try {
      code.parse('{oops');
    } catch (error) {
      logger.error('refused', { error });
    }
  };

  it('names the TypeScript file and line of each frame in the bundle, reading the map once', () => {
    // Prepare
    const { reads, log, logger, errorOf } = setUp();
    // Act
    logParseFailure(logger);
    logParseFailure(logger);
    // Assess
    for (const entry of log.entries()) {
      const stack = errorOf(entry)?.cause?.stack ?? [];
      // The bundle sits in a temporary folder here, so the source's path is relative to that folder.
      expect(stack).toContainEqual(expect.stringMatching(new RegExp(`^at parseJson \\((.*/)?shared/validation/parse\\.ts:${JSON_PARSE_LINE}:\\d+\\)$`)));
      expect(stack.join('\n')).not.toContain(bundle);
    }
    expect(log.entries()).toHaveLength(2);
    expect(reads).toEqual([`${bundle}.map`]);
  });

  it('loads node:module only when a cold process first maps a stack, and maps that first stack', () => {
    // Prepare: a script file, as FC loads a handler (`node -e` loads node:module itself)
    const script = join(dir, 'cold.js');
    writeFileSync(
      script,
      `const code = require(${JSON.stringify(bundle)});
const mapStack = code.createStackMapper({ bundle: ${JSON.stringify(bundle)} });
const loaded = () => process.moduleLoadList.includes('NativeModule module');
const atStart = loaded();
let failure;
try { code.parse('{oops'); } catch (error) { failure = error.cause; }
const frames = mapStack(code.stackFrames(failure));
process.stdout.write(JSON.stringify({ atStart, afterMapping: loaded(), frames }));`,
    );
    // Act
    const cold = JSON.parse(execFileSync(process.execPath, [script]).toString('utf8')) as { atStart: boolean; afterMapping: boolean; frames: string[] };
    // Assess
    expect(cold.atStart).toBe(false);
    expect(cold.afterMapping).toBe(true);
    expect(cold.frames).toContainEqual(expect.stringMatching(new RegExp(`^at parseJson \\((.*/)?shared/validation/parse\\.ts:${JSON_PARSE_LINE}:\\d+\\)$`)));
  });

  it('reads nothing while no stack is logged', () => {
    // Prepare
    const { reads, logger } = setUp();
    // Act
    logger.info('answered', { parts: 2 });
    logger.error('model refused', { error: new BotError('MODEL_REJECTED', 'the model said no') });
    // Assess
    expect(reads).toEqual([]);
  });

  it.each([
    ['missing', (): string => { throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' }); }],
    ['not a source map', (): string => '{"version":3,"mappings":12}'],
    ['not JSON', (): string => 'garbage'],
  ])('logs the bundle frames as they are when the map is %s, and does not try again', (_case, readMap) => {
    // Prepare
    const { reads, log, logger, errorOf } = setUp(readMap);
    // Act
    logParseFailure(logger);
    logParseFailure(logger);
    // Assess
    for (const entry of log.entries()) {
      expect(errorOf(entry)?.message).toBe('invalid payload: body: malformed JSON');
      expect(errorOf(entry)?.cause?.stack?.some((frame) => frame.includes(`${bundle}:`))).toBe(true);
    }
    expect(log.entries()).toHaveLength(2);
    expect(reads).toHaveLength(1);
  });

  it('keeps secrets out of the logged message and stack', () => {
    // Prepare
    const { log, logger, errorOf } = setUp();
    // Act
    try {
      code.fail(`key ${SECRET} refused for https://oapi.dingtalk.com/robot/sendBySession?session=abcdef123`);
    } catch (error) {
      logger.error('failed', { error });
    }
    // Assess
    const line = log.lines.join('');
    expect(line).not.toContain(SECRET);
    expect(line).not.toContain('abcdef123');
    expect(errorOf(log.entries()[0])?.stack?.[0]).toMatch(/^at (Object\.)?fail \(<stdin>:3:\d+\)$/);
  });
});
