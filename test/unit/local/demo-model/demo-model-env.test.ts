import { DEMO_MODEL_KEY, DEMO_MODEL_TIMEOUT_MS, demoModelEnv, demoModelWanted } from '../../../../local/demo-model/demo-model-env';
import { loadWorkerConfig } from '../../../../shared/config/worker-config';
import { settingsFileProblem } from '../../../../shared/config/settings-registry';

describe('demoModelEnv', () => {
  it('points the worker at the demo model, sends it pictures, and shortens the model timeout', () => {
    // Prepare: a .env that names a real provider, which the demo settings replace
    const base = { FC_REGION: 'cn-hangzhou', OSS_BUCKET: 'b', OPENAI_API_KEY: 'sk-real', OPENAI_MODELS: 'gpt-4o,qwen-plus' };

    // Act
    const config = loadWorkerConfig({ ...base, ...demoModelEnv({ url: 'http://127.0.0.1:4321/v1', model: 'demo' }) });

    // Assess
    expect(config.model).toEqual({ apiKeys: [DEMO_MODEL_KEY], baseURL: 'http://127.0.0.1:4321/v1', model: 'demo', timeoutMs: DEMO_MODEL_TIMEOUT_MS });
    expect(config.models).toEqual({ allowed: ['demo'], vision: ['demo'] });
    expect(DEMO_MODEL_TIMEOUT_MS).toBeLessThan(loadWorkerConfig(base).model?.timeoutMs ?? 0);
  });
});

describe('demoModelWanted', () => {
  it.each([
    [{}, false],
    [{ LOCAL_DEMO_MODEL: 'true' }, true],
    [{ LOCAL_DEMO_MODEL: 'false' }, false],
    [{ LOCAL_DEMO_MODEL: '' }, false],
  ])('reads %j as %s', (env, wanted) => {
    // Act / Assess
    expect(demoModelWanted(env)).toBe(wanted);
  });

  it('is a known local setting, read by npm start and not by the functions', () => {
    // Act / Assess
    expect(settingsFileProblem('LOCAL_DEMO_MODEL')).toMatch(/read by s deploy or npm start/);
  });
});
