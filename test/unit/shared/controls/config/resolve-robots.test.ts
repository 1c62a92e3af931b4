import { loadRobots } from '../../../../../shared/controls/config/load-robots';
import { DEFAULT_ROBOT_CONTROLS } from '../../../../../shared/controls/robot-controls';
import { ConfigError } from '../../../../../shared/errors';

const ENV = { DINGTALK_APP_KEY: 'ding-main', DINGTALK_APP_SECRET: 'main-secret', SALES_APP_SECRET: 'sales-secret' };
const sales = { appKey: 'ding-sales', appSecretVariable: 'SALES_APP_SECRET' };
const load = (file: unknown, env: Record<string, string> = ENV) => loadRobots(JSON.stringify(file), env);

function errorOf(read: () => unknown): ConfigError {
  try {
    read();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('no ConfigError');
}

describe('the controls file', () => {
  it('is optional: without it the env robot and WeChat have the default controls, and nothing else is served', () => {
    // Act
    const robots = loadRobots(undefined, ENV);
    // Assess
    expect(robots).toEqual([
      { name: 'dingtalk', channel: 'dingtalk', path: '/', appKey: 'ding-main', appSecret: 'main-secret', controls: DEFAULT_ROBOT_CONTROLS },
      { name: 'wechat', channel: 'wechat', controls: DEFAULT_ROBOT_CONTROLS },
    ]);
  });

  it('gives an extra robot its own path, app and secret read from the variable it names', () => {
    // Act
    const robot = load({ robots: { sales: { ...sales, persona: '你是销售助手。', cardTemplateId: 'tpl.sales' } } }).find((one) => one.name === 'sales');
    // Assess
    expect(robot).toEqual({
      name: 'sales',
      channel: 'dingtalk',
      path: '/dingtalk/sales',
      appKey: 'ding-sales',
      appSecret: 'sales-secret',
      appSecretVariable: 'SALES_APP_SECRET',
      card: { templateId: 'tpl.sales' },
      persona: '你是销售助手。',
      controls: DEFAULT_ROBOT_CONTROLS,
    });
  });

  it('leaves an extra robot without a secret when its variable is unset or empty, so only that robot is refused', () => {
    // Act
    const robots = load({ robots: { sales } }, { ...ENV, SALES_APP_SECRET: '' });
    // Assess
    expect(robots.find((one) => one.name === 'sales')?.appSecret).toBeUndefined();
    expect(robots.find((one) => one.name === 'dingtalk')?.appSecret).toBe('main-secret');
  });

  it('serves named robots alone when DINGTALK_APP_KEY is unset', () => {
    // Act
    const robots = load({ robots: { sales } }, { SALES_APP_SECRET: 's' });
    // Assess
    expect(robots.map((robot) => robot.name)).toEqual(['wechat', 'sales']);
  });

  it('lets a robot’s section replace the defaults field by field', () => {
    // Prepare
    const file = {
      defaults: {
        access: { admins: ['boss'], denyUsers: ['mallory'] },
        limits: { user: { messagesPerMinute: 10, tokensPerDay: 1000 }, group: { tokensPerMonth: 90_000 } },
        sensitiveWords: { words: ['机密'], input: 'mask' },
        dingtalkBudget: { monthlyCalls: 50_000 },
      },
      robots: { sales: { ...sales, access: { admins: ['lead'] }, limits: { user: { tokensPerDay: 5 } }, dingtalkBudget: { qps: 10 } } },
    };
    // Act
    const [main, , extra] = load(file);
    // Assess
    expect(main?.controls.access.admins).toEqual(['boss']);
    expect(extra?.controls).toEqual({
      access: { allowUsers: [], denyUsers: ['mallory'], allowGroups: [], denyGroups: [], admins: ['lead'] },
      limits: {
        user: { messagesPerMinute: 10, tokensPerDay: 5, tokensPerMonth: undefined },
        group: { messagesPerMinute: undefined, tokensPerDay: undefined, tokensPerMonth: 90_000 },
      },
      sensitive: { words: ['机密'], input: 'mask', output: 'mask' },
      budget: { monthlyCalls: 50_000, qps: 10 },
    });
  });

  it.each([
    ['a misspelt field', { defaults: { acess: {} } }, 'controls.json defaults.acess', /拼写错误/],
    ['a misspelt limit', { robots: { sales: { ...sales, limits: { user: { tokensPerDai: 5 } } } } }, 'controls.json robots.sales.limits.user.tokensPerDai', /拼写错误/],
    ['a missing appKey', { robots: { sales: { appSecretVariable: 'SALES_APP_SECRET' } } }, 'controls.json robots.sales.appKey', /必须设置/],
    ['a missing secret variable', { robots: { sales: { appKey: 'k' } } }, 'controls.json robots.sales.appSecretVariable', /环境变量名/],
    ['an FC_ secret variable', { robots: { sales: { ...sales, appSecretVariable: 'FC_SECRET' } } }, 'controls.json robots.sales.appSecretVariable', /FC_/],
    ['a bad robot name', { robots: { Sales: sales } }, 'controls.json robots.Sales', /机器人名称/],
    ['a reserved robot name', { robots: { 'group-robot': sales } }, 'controls.json robots.group-robot', /保留名称/],
    ['a path of another route', { robots: { sales: { ...sales, path: '/wechat' } } }, 'controls.json robots.sales.path', /\/wechat/],
    ['two robots on one path', { robots: { sales: sales, hr: { ...sales, path: '/dingtalk/sales' } } }, 'controls.json robots.hr.path', /机器人 sales/],
    ['the env robot’s app key', { robots: { sales: { ...sales, appKey: 'ding-main' } } }, 'controls.json robots.sales.appKey', /机器人 dingtalk/],
    ['one app key for two robots', { robots: { sales, hr: { ...sales, path: '/hr' } } }, 'controls.json robots.hr.appKey', /机器人 sales/],
    ['an app key on the env robot', { robots: { dingtalk: { appKey: 'x' } } }, 'controls.json robots.dingtalk.appKey', /DINGTALK_APP_KEY/],
    ['a persona on WeChat', { robots: { wechat: { persona: 'x' } } }, 'controls.json robots.wechat.persona', /公众号/],
    ['a word list that is no list', { defaults: { sensitiveWords: { words: '机密' } } }, 'controls.json defaults.sensitiveWords.words', /列表/],
    ['an unknown action', { defaults: { sensitiveWords: { output: 'hide' } } }, 'controls.json defaults.sensitiveWords.output', /refuse/],
    ['a limit of zero', { defaults: { limits: { user: { messagesPerMinute: 0 } } } }, 'controls.json defaults.limits.user.messagesPerMinute', /整数/],
    ['a per-minute limit for a group', { defaults: { limits: { group: { messagesPerMinute: 5 } } } }, 'controls.json defaults.limits.group.messagesPerMinute', /拼写错误/],
    ['an empty admin id', { defaults: { access: { admins: [' '] } } }, 'controls.json defaults.access.admins.0', /ID/],
  ])('names the field of %s and what it expects', (_case, file, variable, expects) => {
    // Act
    const error = errorOf(() => load(file));
    // Assess
    expect(error.variable).toBe(variable);
    expect(error.expectation.zh).toMatch(expects);
    expect(error.message).toContain(variable);
  });

  it('names the file when it is not JSON', () => {
    // Act / Assess
    expect(errorOf(() => loadRobots('{ "robots": ', ENV)).variable).toBe('controls.json');
  });

  it('never repeats the value of a field it refuses', () => {
    // Act
    const error = errorOf(() => load({ robots: { sales: { ...sales, appSecretVariable: 'SEC-not-a-name-0123456789' } } }));
    // Assess
    expect(JSON.stringify({ message: error.message, expectation: error.expectation })).not.toContain('SEC-not');
  });
});
