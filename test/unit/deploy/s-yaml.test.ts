import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deployedEnv, envBytes, ENV_LIMIT_BYTES, readSYaml, resolveExpression, TYPICAL_DEPLOY_VALUES, type FunctionResource } from '../../../bench/deployed-env';
import { loadCallbackConfig } from '../../../shared/config/callback-config';
import { loadWorkerConfig } from '../../../shared/config/worker-config';
import { parseTimerEvent } from '../../../shared/channels/group-robot/timer-event';
import { SETTINGS, type SettingScope } from '../../../shared/config/settings-registry';

/**
 * s.yaml against what Function Compute 3.0 enforces at deploy time (docs/platform-limits.md) and against the README's
 * settings table: a deploy that FC would refuse, or a documented setting that never reaches its function, fails here.
 */
const ROOT = join(__dirname, '..', '..', '..');
const spec = readSYaml(ROOT);
const FUNCTIONS = { worker: spec.resources['worker'], callback: spec.resources['callback'] };
const resolve = (value: unknown): string => resolveExpression(spec, value);

describe.each(Object.entries(FUNCTIONS))('s.yaml: the %s function', (name, resource) => {
  it('exists with a name FC accepts', () => {
    // Assess
    expect(resource).toBeDefined();
    expect(resolve(resource?.props.functionName)).toMatch(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/);
  });

  it('sets no reserved (FC_*) or malformed variable names', () => {
    // Act
    const keys = Object.keys(resource?.props.environmentVariables ?? {});
    // Assess
    expect(keys.filter((key) => !/^[A-Za-z][A-Za-z0-9_]*$/.test(key) || key.startsWith('FC_'))).toEqual([]);
  });

  it('starts without --enable-source-maps, which would parse the bundle’s source map at every cold start', () => {
    // Act
    const nodeOptions = resolve(resource?.props.environmentVariables?.['NODE_OPTIONS'] ?? '');
    // Assess: the bundles map the stacks they log themselves (shared/logging/source-mapped-stack.ts)
    expect(nodeOptions).not.toContain('--enable-source-maps');
  });

  it('fits its variables in 4 KB with a 1,000-character Chinese prompt and three API keys', () => {
    // Act
    const bytes = envBytes(deployedEnv(spec, resource as FunctionResource));
    // Assess
    expect(bytes).toBeLessThanOrEqual(ENV_LIMIT_BYTES);
  });

  it('asks for cpu, memory, disk and timeout within FC 3.0 rules', () => {
    // Prepare
    const { cpu, memorySize, diskSize, timeout } = (resource as FunctionResource).props;
    // Assess
    expect(Math.abs(cpu / 0.05 - Math.round(cpu / 0.05))).toBeLessThan(1e-9);
    expect(cpu).toBeGreaterThanOrEqual(0.05);
    expect(cpu).toBeLessThanOrEqual(16);
    expect(memorySize % 64).toBe(0);
    expect(memorySize).toBeGreaterThanOrEqual(128);
    expect(memorySize).toBeLessThanOrEqual(32 * 1024);
    const gb = memorySize / 1024;
    expect(gb / cpu).toBeGreaterThanOrEqual(1);
    expect(gb / cpu).toBeLessThanOrEqual(4);
    expect([512, 10240]).toContain(diskSize);
    expect(timeout).toBeGreaterThanOrEqual(1);
    expect(timeout).toBeLessThanOrEqual(86_400);
  });

  it('builds before it deploys, so deploying it alone is never stale', () => {
    // Assess
    const steps = resource?.actions?.['pre-deploy']?.map((step) => step.run) ?? [];
    expect(steps.some((run) => /npm (ci|install)\b/.test(run) && /npm run build\b/.test(run))).toBe(true);
  });

  it('passes every setting of this function that is given as an environment variable, and no unknown one', () => {
    // Prepare
    const keys = new Set(Object.keys(resource?.props.environmentVariables ?? {}));
    const expected = Object.entries(SETTINGS)
      .filter(([, info]) => info.source === 'env' && (info.scope === name || info.scope === 'both'))
      .map(([setting]) => setting);
    // Assess
    expect(expected.filter((setting) => !keys.has(setting))).toEqual([]);
    expect([...keys].filter((key) => key !== 'NODE_OPTIONS' && !expected.includes(key))).toEqual([]);
  });
});

describe('s.yaml for a deployment without the DingTalk robot', () => {
  // What an admin of a WeChat Official Account alone has: no DingTalk app at all.
  const given = Object.fromEntries(Object.entries(TYPICAL_DEPLOY_VALUES).filter(([name]) => !name.startsWith('DINGTALK_')));
  const wechat = { WECHAT_TOKEN: 'wechatToken1', WECHAT_APP_ID: 'wx0123456789abcdef' };
  const envOf = (resource: FunctionResource | undefined) =>
    Object.fromEntries(Object.entries(resource?.props.environmentVariables ?? {}).map(([key, value]) => [key, resolveExpression(spec, value, { ...given, ...wechat })]));

  it('deploys with DINGTALK_APP_KEY and DINGTALK_APP_SECRET unset, and both functions read that as DingTalk off', () => {
    // Act
    const callback = envOf(FUNCTIONS.callback);
    const worker = envOf(FUNCTIONS.worker);
    // Assess: FC adds FC_REGION itself, the default for OSS_REGION
    expect([callback['DINGTALK_APP_KEY'], worker['DINGTALK_APP_SECRET']]).toEqual(['', '']);
    expect(loadCallbackConfig({ ...callback, FC_REGION: 'cn-hangzhou' }).dingtalk).toBeUndefined();
    expect(loadWorkerConfig({ ...worker, FC_REGION: 'cn-hangzhou' }).dingtalk).toBeUndefined();
  });
});

describe('README settings table', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## 配置 · Configuration$/m)[1]?.split(/^## /m)[0] ?? '';
  const rows = section.split('\n').filter((line) => /^\| `[A-Z]/.test(line));
  const documented = new Map<string, { scope: SettingScope; file: boolean }>();
  for (const row of rows) {
    const [names = '', where = ''] = row.split('|').slice(1).map((cell) => cell.trim());
    const scope = (['both', 'callback', 'worker', 'deploy', 'local'] as const).find((word) => where.includes(word));
    for (const match of names.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) {
      documented.set(match[1] ?? '', { scope: scope ?? ('?' as SettingScope), file: where.includes('settings.env') });
    }
  }

  it('documents exactly the settings the product reads, each for the function that reads it', () => {
    // Act
    const fromRegistry = Object.fromEntries(
      Object.entries(SETTINGS).map(([name, info]) => [name, { scope: info.scope, file: info.source === 'file' }]),
    );
    // Assess
    expect(Object.fromEntries(documented)).toEqual(fromRegistry);
  });
});

describe('s.yaml timer triggers', () => {
  interface Trigger {
    triggerName: string;
    triggerType: string;
    triggerConfig: { cronExpression?: unknown; enable?: unknown; payload?: unknown };
  }
  const triggersOf = (resource: FunctionResource | undefined): Trigger[] => (resource?.props as { triggers?: Trigger[] } | undefined)?.triggers ?? [];
  const timers = Object.entries(FUNCTIONS).flatMap(([name, resource]) =>
    triggersOf(resource).filter((trigger) => trigger.triggerType === 'timer').map((trigger) => ({ name, trigger })),
  );

  it('has the example job, off by default, on the worker only (docs/group-robot.md §5)', () => {
    // Assess
    expect(timers.map(({ name, trigger }) => [name, trigger.triggerName, trigger.triggerConfig.enable])).toContainEqual(['worker', 'morning-digest', false]);
    expect(timers.filter(({ name }) => name !== 'worker')).toEqual([]);
  });

  it.each(timers.map(({ trigger }) => [trigger.triggerName, trigger] as const))('%s: its payload is a timer payload the worker accepts, its cron has six fields', (_, trigger) => {
    // Act
    const event = { triggerTime: '2026-01-05T01:30:00Z', triggerName: trigger.triggerName, payload: trigger.triggerConfig.payload };
    // Assess
    expect(parseTimerEvent(event).job).toMatch(/^[a-z0-9-]+$/);
    expect(typeof trigger.triggerConfig.enable).toBe('boolean');
    expect(String(trigger.triggerConfig.cronExpression)).toMatch(/^(?:CRON_TZ=[A-Za-z_]+\/[A-Za-z_]+ )?\S+(?: \S+){5}$|^@every \d+[smh]$/);
  });
});
