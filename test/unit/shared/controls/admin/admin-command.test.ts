import { parseAdminCommand } from '../../../../../shared/controls/admin/admin-command';
import { parseCount, UNLIMITED } from '../../../../../shared/controls/admin/quota-values';

describe('parseAdminCommand', () => {
  it.each([
    ['/admin', { kind: 'help' }],
    ['/ADMIN help', { kind: 'help' }],
    ['／管理 帮助', { kind: 'help' }],
    ['/admin status', { kind: 'status' }],
    ['/管理 状态', { kind: 'status' }],
    ['/admin usage', { kind: 'usage' }],
    ['/管理 用量 本群', { kind: 'usage', target: { kind: 'this' } }],
    ['/admin usage THIS', { kind: 'usage', target: { kind: 'this' } }],
    ['/admin usage u123', { kind: 'usage', target: { kind: 'id', id: 'u123' } }],
    ['/admin block @张三', { kind: 'block', target: { kind: 'name', name: '张三' } }],
    ['/管理 封禁 u1', { kind: 'block', target: { kind: 'id', id: 'u1' } }],
    ['/管理 解封 u1', { kind: 'unblock', target: { kind: 'id', id: 'u1' } }],
    ['/admin Unblock u1', { kind: 'unblock', target: { kind: 'id', id: 'u1' } }],
    ['/admin quota user u1 reset', { kind: 'quota-reset', scope: 'user', target: { kind: 'id', id: 'u1' } }],
    ['/管理 配额 群 本群 重置', { kind: 'quota-reset', scope: 'group', target: { kind: 'this' } }],
  ])('reads %j', (text, command) => {
    // Act / Assess
    expect(parseAdminCommand(text)).toEqual(command);
  });

  it('reads quota values in English, Chinese and full-width forms, with k / w / 万 and none / 不限', () => {
    // Act
    const english = parseAdminCommand('/admin quota user u1 day=10k month=2w rate=5');
    const chinese = parseAdminCommand('／管理　配额　用户　@李四　日＝２万　月 = 不限　每分钟=none');
    // Assess
    expect(english).toEqual({
      kind: 'quota', scope: 'user', target: { kind: 'id', id: 'u1' },
      values: { tokensPerDay: 10_000, tokensPerMonth: 20_000, messagesPerMinute: 5 },
    });
    expect(chinese).toEqual({
      kind: 'quota', scope: 'user', target: { kind: 'name', name: '李四' },
      values: { tokensPerDay: 20_000, tokensPerMonth: UNLIMITED, messagesPerMinute: UNLIMITED },
    });
  });

  it.each(['hello', '/administrator status', '/adminstatus', '/usage', 'admin status', ''])('leaves %j to the other commands', (text) => {
    // Act / Assess
    expect(parseAdminCommand(text)).toBeUndefined();
  });

  it.each([
    ['/admin fly', '没有「fly」这个管理命令'],
    ['/admin status now', '不需要参数'],
    ['/admin block', '请写明要封禁的一个用户'],
    ['/admin block 本群', '不能是「本群」'],
    ['/admin unblock u1 u2', '请写明要解封的一个用户'],
    ['/admin usage u1 u2', '只接受一个对象'],
    ['/admin quota', 'user（用户）或 group（群）'],
    ['/admin quota team g1 day=1', 'user（用户）或 group（群）'],
    ['/admin quota user', '请写明用户的 id'],
    ['/admin quota user u1', '请给出要设置的配额'],
    ['/admin quota user this day=1', '请用「/admin quota group 本群 …」'],
    ['/admin quota user u1 week=5', '不认识「week=5」'],
    ['/admin quota user u1 day=-5', '应是非负整数'],
    ['/admin quota user u1 day=1.5', '应是非负整数'],
    ['/admin quota user u1 day=abc', '应是非负整数'],
    ['/admin quota user u1 day=1 日=2', '写了不止一次'],
    ['/admin quota user u1 day=1 reset', '要单独使用'],
    ['/admin quota group g1 rate=5', '群不能设置 rate'],
  ])('explains what is wrong with %j', (text, why) => {
    // Act
    const command = parseAdminCommand(text);
    // Assess
    expect(command).toEqual({ kind: 'invalid', why: expect.stringContaining(why) });
  });
});

describe('parseCount', () => {
  it.each([
    ['0', 0],
    ['10', 10],
    ['10k', 10_000],
    ['10K', 10_000],
    ['1.5k', 1_500],
    ['2w', 20_000],
    ['2万', 20_000],
    ['1.5w', 15_000],
    ['10,000', 10_000],
    ['none', UNLIMITED],
    ['不限', UNLIMITED],
  ])('reads %j as %d', (text, value) => {
    // Act / Assess
    expect(parseCount(text)).toBe(value);
  });

  it.each(['', '-1', '1.5', '1.2345k', 'k', '10m', '1e3'])('refuses %j', (text) => {
    // Act / Assess
    expect(parseCount(text)).toBeUndefined();
  });
});

describe('parseAdminCommand with a person picked from DingTalk’s @ list (not in the text, only in atUsers)', () => {
  it('fills the missing target of block, unblock, usage and quota with the one mention', () => {
    expect(parseAdminCommand('/admin block', ['staff-7'])).toEqual({ kind: 'block', target: { kind: 'id', id: 'staff-7' } });
    expect(parseAdminCommand('/管理 解封 ', ['staff-7'])).toEqual({ kind: 'unblock', target: { kind: 'id', id: 'staff-7' } });
    expect(parseAdminCommand('/admin usage', ['staff-7'])).toEqual({ kind: 'usage', target: { kind: 'id', id: 'staff-7' } });
    expect(parseAdminCommand('/admin quota user day=10k', ['staff-7'])).toMatchObject({ kind: 'quota', scope: 'user', target: { kind: 'id', id: 'staff-7' }, values: { tokensPerDay: 10_000 } });
    expect(parseAdminCommand('/admin quota user reset', ['staff-7'])).toEqual({ kind: 'quota-reset', scope: 'user', target: { kind: 'id', id: 'staff-7' } });
  });

  it('guesses nothing with two mentions, and a typed target wins over a mention', () => {
    expect(parseAdminCommand('/admin block', ['staff-7', 'staff-8'])).toMatchObject({ kind: 'invalid' });
    expect(parseAdminCommand('/admin block staff-1', ['staff-7'])).toEqual({ kind: 'block', target: { kind: 'id', id: 'staff-1' } });
  });
});
