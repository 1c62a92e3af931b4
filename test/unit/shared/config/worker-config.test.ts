import { loadCallbackConfig } from '../../../../shared/config/callback-config';
import { loadWorkerConfig } from '../../../../shared/config/worker-config';

const minimal = { DINGTALK_APP_KEY: 'key', DINGTALK_APP_SECRET: 'secret', OSS_BUCKET: 'b', OSS_REGION: 'cn-hangzhou' };

describe('configuration', () => {
  it('gives working defaults and no model when no key is set (the robot then answers a setup hint)', () => {
    // Act
    const config = loadWorkerConfig(minimal);
    // Assess
    expect(config.model).toBeUndefined();
    expect(config.dingtalk?.apiBase).toBe('https://api.dingtalk.com');
    expect(config.commands.reset).toContain('新对话');
    expect([config.history.tokenBudget, config.history.promptTokenBudget]).toEqual([4000, 16_000]);
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
    ['PROMPT_MAX_TOKENS', { ...minimal, PROMPT_MAX_TOKENS: '1000' }],
    ['GROUP_SHARED_HISTORY', { ...minimal, GROUP_SHARED_HISTORY: 'maybe' }],
  ])('fails at start with a message naming %s', (variable, env) => {
    // Act / Assess
    expect(() => loadWorkerConfig(env)).toThrow(new RegExp(`Setting ${variable} `));
  });

  it('names WORKER_INVOKE_ENDPOINT, DINGTALK_APP_KEY and DINGTALK_APP_SECRET for the callback', () => {
    // Act / Assess
    expect(() => loadCallbackConfig({ ...minimal, DINGTALK_APP_SECRET: '' })).toThrow(/DINGTALK_APP_SECRET is required/);
    expect(() => loadCallbackConfig({ ...minimal, DINGTALK_APP_KEY: '' })).toThrow(/DINGTALK_APP_KEY is required/);
    expect(() => loadCallbackConfig({ ...minimal, WORKER_INVOKE_ENDPOINT: 'nope' })).toThrow(/WORKER_INVOKE_ENDPOINT/);
    expect(loadCallbackConfig({ ...minimal, WORKER_INVOKE_ENDPOINT: 'http://127.0.0.1:9000' }).invokeEndpoint).toBe('http://127.0.0.1:9000');
  });

  it('gives the callback DingTalk as the only webhook host and its own prefix and OSS budget', () => {
    // Act
    const config = loadCallbackConfig(minimal);
    // Assess
    expect(config.webhookHosts).toEqual([{ hostname: 'oapi.dingtalk.com', port: undefined }]);
    expect(config.signaturePrefix).toBe('dingtalk-llm/signatures/');
    expect(config.oss).toEqual({ bucket: 'b', region: 'cn-hangzhou', endpoint: undefined, internal: true, timeoutMs: 2000 });
    expect(loadCallbackConfig({ ...minimal, SIGNATURE_PREFIX: '/sig' }).signaturePrefix).toBe('sig/');
  });

  it('reads the webhook hosts the same way for both functions and names the variable when one is malformed', () => {
    // Prepare
    const env = { ...minimal, DINGTALK_WEBHOOK_HOSTS: 'oapi.dingtalk.com, 127.0.0.1:9001' };
    // Act
    const hosts = [loadCallbackConfig(env).webhookHosts, loadWorkerConfig(env).webhookHosts];
    // Assess
    expect(hosts[0]).toEqual([{ hostname: 'oapi.dingtalk.com', port: undefined }, { hostname: '127.0.0.1', port: 9001 }]);
    expect(hosts[1]).toEqual(hosts[0]);
    expect(() => loadWorkerConfig({ ...minimal, DINGTALK_WEBHOOK_HOSTS: 'https://oapi.dingtalk.com/' })).toThrow(/DINGTALK_WEBHOOK_HOSTS/);
    expect(() => loadCallbackConfig({ ...minimal, DINGTALK_WEBHOOK_HOSTS: 'evil.example:99999' })).toThrow(/DINGTALK_WEBHOOK_HOSTS/);
  });

  describe('AI cards', () => {
    it('leaves cards off without DINGTALK_CARD_TEMPLATE_ID, so answers go out as markdown', () => {
      // Act
      const config = loadWorkerConfig({ ...minimal, CARD_MAX_CHARS: '2000' });
      // Assess
      expect(config.card).toBeUndefined();
    });

    it('turns cards on with working defaults once a template is set', () => {
      // Act
      const config = loadWorkerConfig({ ...minimal, DINGTALK_CARD_TEMPLATE_ID: 'tpl.schema' });
      // Assess
      expect(config.card).toEqual({ templateId: 'tpl.schema', contentKey: 'content', minIntervalMs: 1000, minGrowthChars: 50, maxChars: 2500 });
    });

    it('reads the content key and the streaming limits', () => {
      // Act
      const config = loadWorkerConfig({
        ...minimal,
        DINGTALK_CARD_TEMPLATE_ID: 'tpl.schema',
        DINGTALK_CARD_CONTENT_KEY: 'markdown',
        CARD_UPDATE_INTERVAL_MS: '500',
        CARD_UPDATE_MIN_CHARS: '20',
        CARD_MAX_CHARS: '3000',
      });
      // Assess
      expect(config.card).toEqual({ templateId: 'tpl.schema', contentKey: 'markdown', minIntervalMs: 500, minGrowthChars: 20, maxChars: 3000 });
    });

    it.each([
      ['CARD_MAX_CHARS', '199'],
      ['CARD_MAX_CHARS', '3001'],
      ['CARD_MAX_CHARS', 'lots'],
      ['CARD_UPDATE_INTERVAL_MS', '50'],
      ['CARD_UPDATE_MIN_CHARS', '0'],
    ])('fails at start with a message naming %s when it is %s', (variable, raw) => {
      // Act / Assess
      expect(() => loadWorkerConfig({ ...minimal, DINGTALK_CARD_TEMPLATE_ID: 'tpl.schema', [variable]: raw })).toThrow(
        new RegExp(`Setting ${variable} must be a whole number`),
      );
    });
  });

  describe('models', () => {
    it('offers the configured model first, then OPENAI_MODELS, each once', () => {
      // Act
      const config = loadWorkerConfig({ ...minimal, OPENAI_MODEL: 'qwen-plus', OPENAI_MODELS: 'qwen-max, qwen-plus，qwen-vl-max, qwen-max' });
      // Assess
      expect(config.models.allowed).toEqual(['qwen-plus', 'qwen-max', 'qwen-vl-max']);
    });

    it('offers only the default model when OPENAI_MODELS is unset, and no vision model', () => {
      // Act
      const config = loadWorkerConfig(minimal);
      // Assess
      expect(config.models).toEqual({ allowed: ['gpt-4o-mini'], vision: [] });
    });

    it('reads which models take pictures from OPENAI_VISION_MODELS', () => {
      // Act
      const config = loadWorkerConfig({ ...minimal, OPENAI_VISION_MODELS: 'qwen-vl-max, gpt-4o' });
      // Assess
      expect(config.models.vision).toEqual(['qwen-vl-max', 'gpt-4o']);
    });
  });

  it.each([
    [undefined, false],
    ['true', true],
    ['1', true],
    ['ON', true],
    ['false', false],
    ['no', false],
  ])('reads SHOW_REASONING=%s as %s', (raw, expected) => {
    // Act
    const config = loadWorkerConfig({ ...minimal, SHOW_REASONING: raw });
    // Assess
    expect(config.showReasoning).toBe(expected);
  });

  it('fails at start with a message naming SHOW_REASONING when it is not a yes or no', () => {
    // Act / Assess
    expect(() => loadWorkerConfig({ ...minimal, SHOW_REASONING: 'sometimes' })).toThrow(/Setting SHOW_REASONING /);
  });

  it('accepts pictures up to 3 MiB by default, and reads IMAGE_MAX_BYTES within its range', () => {
    // Act
    const byDefault = loadWorkerConfig(minimal);
    const set = loadWorkerConfig({ ...minimal, IMAGE_MAX_BYTES: '1048576' });
    // Assess
    expect(byDefault.imageMaxBytes).toBe(3 * 1024 * 1024);
    expect(set.imageMaxBytes).toBe(1024 * 1024);
    expect(() => loadWorkerConfig({ ...minimal, IMAGE_MAX_BYTES: String(21 * 1024 * 1024) })).toThrow(/Setting IMAGE_MAX_BYTES /);
  });

  it('reads at most 4 pictures of 3 MiB together by default, and IMAGE_MAX_COUNT / IMAGE_TOTAL_MAX_BYTES within range', () => {
    // Act
    const byDefault = loadWorkerConfig(minimal);
    const set = loadWorkerConfig({ ...minimal, IMAGE_MAX_COUNT: '2', IMAGE_TOTAL_MAX_BYTES: '5242880' });
    // Assess
    expect(byDefault.images).toEqual({ maxCount: 4, totalMaxBytes: 3 * 1024 * 1024 });
    expect(set.images).toEqual({ maxCount: 2, totalMaxBytes: 5 * 1024 * 1024 });
    expect(() => loadWorkerConfig({ ...minimal, IMAGE_MAX_COUNT: '0' })).toThrow(/Setting IMAGE_MAX_COUNT /);
    expect(() => loadWorkerConfig({ ...minimal, IMAGE_MAX_COUNT: '21' })).toThrow(/Setting IMAGE_MAX_COUNT /);
    expect(() => loadWorkerConfig({ ...minimal, IMAGE_TOTAL_MAX_BYTES: String(65 * 1024 * 1024) })).toThrow(
      /Setting IMAGE_TOTAL_MAX_BYTES /,
    );
  });
});
