import type { SYaml } from '../../../bench/deployed-env';
import { deployedNodeOptions } from '../../../bench/node-options';

const spec = (environmentVariables: Record<string, unknown>): SYaml => ({
  vars: { flags: '--max-old-space-size=96' },
  resources: { worker: { props: { functionName: 'w', cpu: 0.1, memorySize: 128, diskSize: 512, timeout: 120, environmentVariables } } },
});

describe('the NODE_OPTIONS a function is deployed with', () => {
  it('is read from its environmentVariables in s.yaml', () => {
    // Assess
    expect(deployedNodeOptions(spec({ NODE_OPTIONS: '--enable-source-maps' }), 'worker')).toBe('--enable-source-maps');
  });

  it('is none when the entry is absent or empty', () => {
    // Assess
    expect(deployedNodeOptions(spec({}), 'worker')).toBe('');
    expect(deployedNodeOptions(spec({ NODE_OPTIONS: '' }), 'worker')).toBe('');
    expect(deployedNodeOptions(spec({ NODE_OPTIONS: null }), 'worker')).toBe('');
  });

  it('resolves the expressions s deploy resolves, with their defaults', () => {
    // Assess
    expect(deployedNodeOptions(spec({ NODE_OPTIONS: "${env('WORKER_NODE_OPTIONS', '--stack-size=900')}" }), 'worker')).toBe('--stack-size=900');
    expect(deployedNodeOptions(spec({ NODE_OPTIONS: '${vars.flags}' }), 'worker')).toBe('--max-old-space-size=96');
  });

  it('names a missing resource', () => {
    // Assess
    expect(() => deployedNodeOptions(spec({}), 'callback')).toThrow(/no resource "callback"/);
  });
});
