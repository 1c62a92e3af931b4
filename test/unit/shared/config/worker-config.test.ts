import { loadCallbackConfig } from '../../../../shared/config/callback-config';
import { loadWorkerConfig } from '../../../../shared/config/worker-config';

const minimal = { DINGTALK_APP_KEY: 'key', DINGTALK_APP_SECRET: 'secret', OSS_BUCKET: 'b', OSS_REGION: 'cn-hangzhou' };

describe('configuration', () => {
  it('gives working defaults and no model when no key is set (the robot then answers a setup hint)', () => {
    // Act
    const config = loadWorkerConfig(minimal);
    // Assess
    expect(config.model).toBeUndefined();
    expect(config.dingtalk.apiBase).toBe('https://api.dingtalk.com');
    expect(config.commands.reset).toContain('新对话');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads several comma-separated keys and a local base URL', () => {
    // Act
    const config = loadWorkerConfig({ ...minimal, OPENAI_API_KEY: 'k1, k2，k3', OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1/' });
    // Assess
    expect(config.model?.apiKeys).toEqual(['k1', 'k2', 'k3']);
    expect(config.model?.baseURL).toBe('http://127.0.0.1:11434/v1');
  });

  it.each([
    ['DINGTALK_APP_SECRET', { ...minimal, DINGTALK_APP_SECRET: '' }],
    ['OSS_BUCKET', { ...minimal, OSS_BUCKET: undefined }],
    ['OSS_ENDPOINT', { ...minimal, OSS_ENDPOINT: 'oss-cn-hangzhou.aliyuncs.com' }],
    ['DINGTALK_API_BASE', { ...minimal, DINGTALK_API_BASE: 'ftp://x' }],
    ['OPENAI_TEMPERATURE', { ...minimal, OPENAI_API_KEY: 'k', OPENAI_TEMPERATURE: 'hot' }],
    ['HISTORY_MAX_TOKENS', { ...minimal, HISTORY_MAX_TOKENS: '-5' }],
    ['GROUP_SHARED_HISTORY', { ...minimal, GROUP_SHARED_HISTORY: 'maybe' }],
  ])('fails at start with a message naming %s', (variable, env) => {
    // Act / Assess
    expect(() => loadWorkerConfig(env)).toThrow(new RegExp(`Environment variable ${variable} `));
  });

  it('names FC_ENDPOINT and DINGTALK_APP_SECRET for the callback', () => {
    // Act / Assess
    expect(() => loadCallbackConfig({})).toThrow(/DINGTALK_APP_SECRET is required/);
    expect(() => loadCallbackConfig({ DINGTALK_APP_SECRET: 's', FC_ENDPOINT: 'nope' })).toThrow(/FC_ENDPOINT/);
    expect(loadCallbackConfig({ DINGTALK_APP_SECRET: 's', FC_ENDPOINT: 'http://127.0.0.1:9000' }).fcEndpoint).toBe('http://127.0.0.1:9000');
  });
});
