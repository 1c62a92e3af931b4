import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { createFunctionHost, type FunctionHost, type InvocationResult } from '../../../../local/fc/function-host';

/**
 * A function that answers with one variable of its environment and its process id; an event `hold:<file>` waits for
 * that file first, so the test decides when a busy instance finishes. The real instance runtime (local/instance.ts) is
 * built for the test, so this needs no `npm run build`.
 */
const ECHO_BUNDLE = `
const { existsSync } = require('node:fs');
exports.handler = async (event) => {
  const [name, file] = event.toString().split(':hold:');
  while (file !== undefined && !existsSync(file)) await new Promise((resolve) => setTimeout(resolve, 10));
  return { value: process.env[name] ?? null, pid: process.pid };
};
`;

let dir: string;
let host: FunctionHost;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'function-host-'));
  writeFileSync(join(dir, 'index.js'), ECHO_BUNDLE);
  buildSync({
    entryPoints: [join(__dirname, '..', '..', '..', '..', 'local', 'instance.ts')],
    outfile: join(dir, 'instance.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'warning',
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeEach(() => {
  host = createFunctionHost({
    name: 'echo',
    bundle: join(dir, 'index.js'),
    instanceScript: join(dir, 'instance.js'),
    env: { GREETING: 'old' },
    timeoutSeconds: 20,
    memoryMb: 128,
    credentials: { accessKeyId: 'STS.local', accessKeySecret: 'secret', securityToken: 'token' },
    region: 'cn-local',
    accountId: '1',
  });
});
afterEach(() => host.close());

function answer(result: InvocationResult): { value: string | null; pid: number } {
  if (!result.ok) throw new Error(`invocation failed: ${result.kind} ${result.error}`);
  return result.value as { value: string | null; pid: number };
}

const echo = async (name: string): Promise<{ value: string | null; pid: number }> => answer(await host.invoke(Buffer.from(name)));

/** Resolves once the process is gone; the jest timeout fails the test if it never goes. */
async function exited(pid: number): Promise<void> {
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('local FC function host: updateEnv', () => {
  it('runs the next invocation on a new instance with the new environment, and stops the idle old one', async () => {
    const before = await echo('GREETING');

    host.updateEnv({ GREETING: 'new', ADDED: 'yes' });
    const after = await echo('GREETING');

    expect(before.value).toBe('old');
    expect(after.value).toBe('new');
    expect(after.pid).not.toBe(before.pid);
    expect((await echo('ADDED')).value).toBe('yes');
    await exited(before.pid);
  });

  it('lets a busy instance finish its invocation on the old environment, then stops it', async () => {
    const release = join(dir, 'release-busy');
    const busy = host.invoke(Buffer.from(`GREETING:hold:${release}`));

    host.updateEnv({ GREETING: 'new' });
    const meanwhile = await echo('GREETING');
    writeFileSync(release, '');
    const finished = answer(await busy);

    expect(meanwhile.value).toBe('new');
    expect(finished.value).toBe('old');
    await exited(finished.pid);
    expect((await echo('GREETING')).value).toBe('new');
  });

  it('drops a variable left out of the new environment', async () => {
    expect((await echo('GREETING')).value).toBe('old');

    host.updateEnv({});

    expect((await echo('GREETING')).value).toBeNull();
  });
});
