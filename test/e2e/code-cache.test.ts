import { startE2eStack, type E2eStack } from './e2e-stack';

interface LoadedLine {
  service?: string;
  message?: string;
  code_cache?: string;
}

/**
 * The deployed shape: FC loads dist/<function>/index.js, which compiles function.js from the code cache the build
 * made. Here the build's node is the one running the instances, so the cache must be used, and each instance says so
 * once in its log (on FC the same line says whether its runtime accepts the deployer's cache).
 */
describe('end to end: functions loaded through their V8 code cache', () => {
  let e2e: E2eStack;

  beforeAll(async () => {
    e2e = await startE2eStack();
  });
  afterAll(async () => {
    await e2e.close();
  });

  it('answers a message with both functions compiled from their cache, each saying so once at its cold start', async () => {
    // Act
    const first = await e2e.send({ text: '你好' });
    await e2e.drain();
    const second = await e2e.send({ text: '再说一次' });
    await e2e.drain();
    // Assess
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(e2e.dingtalk.messages).toHaveLength(2);
    const loaded = e2e.output
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LoadedLine)
      .filter((line) => line.message === 'function code loaded');
    expect(loaded.map(({ service, code_cache }) => ({ service, code_cache })).sort((a, b) => String(a.service).localeCompare(String(b.service)))).toEqual([
      { service: 'dingtalk-callback', code_cache: 'accepted' },
      { service: 'dingtalk-worker', code_cache: 'accepted' },
    ]);
  });
});
