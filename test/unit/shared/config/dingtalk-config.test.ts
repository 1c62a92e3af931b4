import { loadCallbackConfig } from '../../../../shared/config/callback-config';
import { loadWorkerConfig } from '../../../../shared/config/worker-config';
import { configErrorText } from '../../../../shared/config/config-error-text';
import { ConfigError } from '../../../../shared/errors';

/** Each channel is switched on by its own settings; a deployment may serve any subset of them. */
const oss = { OSS_BUCKET: 'b', OSS_REGION: 'cn-hangzhou' };
const dingtalk = { DINGTALK_APP_KEY: 'key', DINGTALK_APP_SECRET: 'secret' };
const wechat = { WECHAT_TOKEN: 'wechatToken1', WECHAT_APP_ID: 'wx0123456789abcdef' };
const push = { PUSH_TOKEN: 'p'.repeat(32) };

const configErrorOf = (load: () => unknown): ConfigError => {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('no ConfigError');
};

describe('which channels a deployment serves', () => {
  it('DingTalk only (as before channels were optional): both functions have the app', () => {
    // Act
    const callback = loadCallbackConfig({ ...oss, ...dingtalk });
    const worker = loadWorkerConfig({ ...oss, ...dingtalk });
    // Assess
    expect(callback.dingtalk).toEqual({ appKey: 'key', appSecret: 'secret' });
    expect(worker.dingtalk).toEqual({ appKey: 'key', appSecret: 'secret', apiBase: 'https://api.dingtalk.com' });
  });

  it('WeChat only: no DingTalk app is needed by either function', () => {
    // Act
    const callback = loadCallbackConfig({ ...oss, ...wechat });
    const worker = loadWorkerConfig({ ...oss, WECHAT_APP_ID: wechat.WECHAT_APP_ID });
    // Assess
    expect(callback.dingtalk).toBeUndefined();
    expect(worker.dingtalk).toBeUndefined();
  });

  it('the push endpoint only: the callback serves /push, the worker runs jobs and pushes with no chat channel', () => {
    // Act
    const callback = loadCallbackConfig({ ...oss, ...push });
    const worker = loadWorkerConfig(oss);
    // Assess
    expect(callback.dingtalk).toBeUndefined();
    expect(callback.groupRobot.pushToken).toBe(push.PUSH_TOKEN);
    expect(worker.dingtalk).toBeUndefined();
    expect(worker.groupRobot.configKey).toBe('config/channels.json');
  });

  it.each([
    ['nothing set', oss],
    ['only empty values, as s.yaml passes unset settings', { ...oss, DINGTALK_APP_KEY: '', DINGTALK_APP_SECRET: ' ', WECHAT_TOKEN: '', PUSH_TOKEN: '' }],
  ])('no channel (%s): the callback fails at start naming DINGTALK_APP_KEY and what else would do', (_, env) => {
    // Act
    const error = configErrorOf(() => loadCallbackConfig(env));
    // Assess: the admin's log line and the user's chat text both say the alternatives
    expect(error.variable).toBe('DINGTALK_APP_KEY');
    expect(error.message).toBe(
      'Setting DINGTALK_APP_KEY is required unless WECHAT_TOKEN (a WeChat Official Account), PUSH_TOKEN (the push endpoint) or a robot in controls.json is set',
    );
    expect(configErrorText(error, false)).toContain(
      'DINGTALK_APP_KEY 必须设置（钉钉机器人），除非已设置 WECHAT_TOKEN（微信公众号）、PUSH_TOKEN（推送接口）或 controls.json 中的机器人',
    );
  });

  it('named robots of the controls file only: the callback serves them without DINGTALK_APP_KEY', () => {
    // Prepare
    const controls = JSON.stringify({ robots: { sales: { appKey: 'ding-sales', appSecretVariable: 'SALES_APP_SECRET' } } });
    // Act
    const callback = loadCallbackConfig({ ...oss, SALES_APP_SECRET: 's' }, controls);
    // Assess
    expect(callback.dingtalk).toBeUndefined();
    expect(callback.robots.map((robot) => [robot.name, robot.path])).toEqual([['sales', '/dingtalk/sales']]);
  });

  it('a malformed controls file: the chat names the field and says to edit controls.json, never .env', () => {
    // Act
    const error = configErrorOf(() => loadWorkerConfig(oss, JSON.stringify({ robots: { sales: { appKey: 'k' } } })));
    // Assess
    expect(error.variable).toBe('controls.json robots.sales.appSecretVariable');
    expect(configErrorText(error, true)).toBe(
      '⚠️ 机器人配置有误：控制文件 controls.json 中的 robots.sales.appSecretVariable 必须设置：保存该机器人 AppSecret 的环境变量名。请修改 controls.json 后重启 npm start。',
    );
    expect(configErrorText(error, false)).toMatch(/请管理员修改 controls\.json 后重新部署（s deploy）。$/);
  });

  it('with DINGTALK_APP_KEY set, DINGTALK_APP_SECRET is required in both functions, whatever else is on', () => {
    // Prepare
    const env = { ...oss, ...wechat, ...push, DINGTALK_APP_KEY: 'key' };
    // Act / Assess
    expect(() => loadCallbackConfig(env)).toThrow('Setting DINGTALK_APP_SECRET is required');
    expect(() => loadWorkerConfig(env)).toThrow('Setting DINGTALK_APP_SECRET is required');
  });

  it('a secret without its key is a half-done DingTalk setup: both functions name DINGTALK_APP_KEY', () => {
    // Prepare
    const env = { ...oss, ...wechat, DINGTALK_APP_SECRET: 'secret' };
    // Act / Assess
    for (const load of [() => loadCallbackConfig(env), () => loadWorkerConfig(env)]) {
      const error = configErrorOf(load);
      expect([error.variable, error.expectation.en]).toEqual(['DINGTALK_APP_KEY', 'is required when DINGTALK_APP_SECRET is set']);
    }
  });

  it('still checks DINGTALK_API_BASE while DingTalk is off, so a typo is not found only when it is switched on', () => {
    // Act / Assess
    expect(() => loadWorkerConfig({ ...oss, DINGTALK_API_BASE: 'ftp://x' })).toThrow(/Setting DINGTALK_API_BASE /);
  });
});
