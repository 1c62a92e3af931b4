import { loadWechatCallbackConfig, loadWechatWorkerConfig } from '../../../../shared/config/wechat-config';
import { ConfigError } from '../../../../shared/errors';

const callbackEnv = { WECHAT_TOKEN: 'token123', WECHAT_APP_ID: 'wx0123456789abcdef' };

describe('WeChat settings', () => {
  it('leave the channel off when its switch is unset', () => {
    // Act / Assess
    expect(loadWechatCallbackConfig({ WECHAT_APP_ID: 'wx0123456789abcdef' })).toBeUndefined();
    expect(loadWechatWorkerConfig({ WECHAT_TOKEN: 'token123' })).toBeUndefined();
  });

  it('default to plaintext passive mode under dingtalk-llm/wechat/', () => {
    // Act / Assess
    expect(loadWechatCallbackConfig(callbackEnv)).toEqual({
      token: 'token123', appId: 'wx0123456789abcdef', encodingAesKey: undefined, customerService: false, prefix: 'dingtalk-llm/wechat/', helpCommand: '帮助',
    });
    expect(loadWechatWorkerConfig({ WECHAT_APP_ID: 'wx0123456789abcdef', WECHAT_PREFIX: '/wx' })).toEqual({
      appId: 'wx0123456789abcdef', appSecret: undefined, apiBase: 'https://api.weixin.qq.com', customerService: false, prefix: 'wx/',
    });
  });

  it('name the first of HELP_COMMANDS in the welcome, so a custom list is what new followers are told to send', () => {
    // Act / Assess
    expect(loadWechatCallbackConfig({ ...callbackEnv, HELP_COMMANDS: '说明,help' })?.helpCommand).toBe('说明');
  });

  it.each([
    ['WECHAT_ENCODING_AES_KEY', { ...callbackEnv, WECHAT_ENCODING_AES_KEY: 'tooShort' }],
    ['WECHAT_APP_ID', { ...callbackEnv, WECHAT_APP_ID: 'gh_123' }],
    ['WECHAT_APP_ID', { WECHAT_TOKEN: 'token123' }],
    ['WECHAT_TOKEN', { ...callbackEnv, WECHAT_TOKEN: 'has space' }],
    ['WECHAT_TOKEN', { ...callbackEnv, WECHAT_TOKEN: 'abc1234' }],
    ['WECHAT_CUSTOMER_SERVICE', { ...callbackEnv, WECHAT_CUSTOMER_SERVICE: 'maybe' }],
  ])('callback: a bad %s is a ConfigError naming it, without its value', (variable, env) => {
    // Act
    const error = (() => { try { loadWechatCallbackConfig(env); } catch (thrown) { return thrown; } return undefined; })();
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ variable });
    expect((error as Error).message).not.toContain('tooShort');
  });

  it.each([
    ['WECHAT_APP_SECRET', { WECHAT_APP_ID: 'wx0123456789abcdef', WECHAT_CUSTOMER_SERVICE: 'true' }],
    ['WECHAT_API_BASE', { WECHAT_APP_ID: 'wx0123456789abcdef', WECHAT_API_BASE: 'ftp://x' }],
  ])('worker: a missing or bad %s is a ConfigError naming it', (variable, env) => {
    // Act / Assess
    expect(() => loadWechatWorkerConfig(env)).toThrow(expect.objectContaining({ variable }));
  });

  it('refuses a WeChat-valid token under 8 characters, saying why in both languages, and takes 8', () => {
    // Act
    const short = (() => { try { loadWechatCallbackConfig({ ...callbackEnv, WECHAT_TOKEN: 'abc12' }); } catch (thrown) { return thrown as ConfigError; } return undefined; })();
    // Assess
    expect(short).toMatchObject({ variable: 'WECHAT_TOKEN' });
    expect(JSON.stringify(short)).not.toContain('abc12');
    expect(`${short?.message}`).toMatch(/8 to 32.*random/);
    expect(short?.expectation.zh).toMatch(/8 到 32.*随机/);
    expect(loadWechatCallbackConfig({ ...callbackEnv, WECHAT_TOKEN: 'abcd1234' })?.token).toBe('abcd1234');
  });
});
