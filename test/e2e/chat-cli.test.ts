import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The built `npm run chat` as a user runs it: usage and refusals need no server, and never reach one. */
describe('npm run chat (dist/local/chat.js)', () => {
  const CHAT = join(__dirname, '..', '..', 'dist', 'local', 'chat.js');
  // A port nothing listens on: a flag wrongly sent as a message would fail with "cannot reach" (exit 1), not 2.
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [CHAT, ...args], { encoding: 'utf8', env: { ...process.env, LOCAL_PORT: '1', CHAT_TARGET_URL: 'http://127.0.0.1:1/' } });

  it('prints the usage in Chinese and English with --help and exits 0', () => {
    // Act
    const result = run('--help');
    // Assess
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('用法 / usage: npm run chat');
    expect(result.stdout).toContain('--at-only');
  });

  it('refuses a mistyped flag with exit code 2 and says so, instead of sending it to the robot', () => {
    // Act
    const result = run('--grop', '你好');
    // Assess
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown option: --grop');
    expect(result.stderr).toContain('npm run chat -- --help');
    expect(result.stdout).toBe('');
  });
});
