import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startE2eStack, type E2eStack } from './e2e-stack';

/** A bad setting is never silence: the user is told in Chinese which variable and what it expects, once. */
describe('end to end: a malformed worker setting', () => {
  let e2e: E2eStack | undefined;
  afterEach(async () => e2e?.close());

  it.each([
    ['OPENAI_TEMPERATURE', 'abc', '0 到 2 之间的数字'],
    ['HISTORY_TAIL_BYTES', '-1', '之间的整数'],
  ])('%s=%s: the robot names the variable (not its value), logs one line and is not retried', async (variable, value, expects) => {
    // Prepare
    e2e = await startE2eStack({ env: { [variable]: value } });
    // Act
    await e2e.send({ text: '你好' });
    await e2e.drain();
    // Assess
    expect(e2e.dingtalk.messages).toHaveLength(1);
    const text = e2e.dingtalk.messages[0]?.text ?? '';
    expect(text).toContain(variable);
    expect(text).toContain(expects);
    expect(text).toContain('npm start');
    expect(text).not.toContain(value);
    expect(e2e.openai.requests).toHaveLength(0);
    expect(e2e.workerResults).toEqual([expect.objectContaining({ attempt: 0, result: expect.objectContaining({ ok: true }) })]);
    const lines = e2e.output.join('').split('\n').filter((line) => line.includes('the user was told'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(variable);
  });
});

describe('end to end: a malformed callback setting', () => {
  let e2e: E2eStack | undefined;
  afterEach(async () => e2e?.close());

  it('tells the sender of a signed message which setting to fix, and never starts the worker', async () => {
    // Prepare
    e2e = await startE2eStack({ env: { INVOKE_TIMEOUT_MS: 'soon' } });
    // Act
    const response = await e2e.send({ text: '你好' });
    await e2e.drain();
    // Assess
    expect(response.status).toBe(200);
    expect(e2e.dingtalk.messages.map((message) => message.text)).toEqual([
      expect.stringMatching(/设置项 INVOKE_TIMEOUT_MS 应为 100 到 9000 之间的整数。请在 \.env 中修改后重启 npm start/),
    ]);
    expect(e2e.dingtalk.messages[0]?.text).not.toContain('soon');
    expect(e2e.workerResults).toEqual([]);
    expect(e2e.openai.requests).toHaveLength(0);
  });

  it('answers an unsigned request with 503 and tells nobody', async () => {
    // Prepare
    e2e = await startE2eStack({ env: { INVOKE_TIMEOUT_MS: 'soon' } });
    // Act
    const response = await e2e.send({ text: '你好' }, { 'content-type': 'application/json', timestamp: String(Date.now()), sign: 'forged' });
    // Assess
    expect(response.status).toBe(503);
    expect(e2e.dingtalk.messages).toEqual([]);
  });
});

/** `npm start` checks both functions' settings before it says "ready", and a bad port is one line naming it. */
describe('local server start', () => {
  const ROOT = join(__dirname, '..', '..');

  function start(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [join(ROOT, 'dist', 'local', 'server.js')], {
        cwd: ROOT,
        env: { PATH: process.env['PATH'] ?? '', LOCAL_DATA_DIR: join(ROOT, 'dist', '.e2e-data'), ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        if (stdout.includes('local server ready')) child.kill('SIGTERM');
      });
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it.each([
    ['OPENAI_TEMPERATURE', { OPENAI_TEMPERATURE: 'hot', LOCAL_PORT: '0' }],
    ['INVOKE_TIMEOUT_MS', { INVOKE_TIMEOUT_MS: '99999999', LOCAL_PORT: '0' }],
    ['LOCAL_PORT', { LOCAL_PORT: 'ninety' }],
  ])('exits before it is ready with one line naming %s', async (variable, env) => {
    // Act
    const result = await start(env);
    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('ready');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(variable);
    expect(result.stderr).not.toMatch(/hot|ninety|99999999/);
  });

  it('names LOCAL_PORT when the port is taken', async () => {
    // Prepare
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      // Act
      const result = await start({ LOCAL_PORT: String(port) });
      // Assess
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(`LOCAL_PORT ${port}`);
    } finally {
      taken.close();
    }
  });

  it('says ready when the settings are good', async () => {
    // Act
    const result = await start({ LOCAL_PORT: '0' });
    // Assess
    expect(result.stdout).toContain('local server ready');
    expect(result.stderr).toBe('');
  });
});
