import { parseAdminCommand, type AdminCommand } from '../../../../../shared/controls/admin/admin-command';
import { runAdminCommand, type AdminContext } from '../../../../../shared/controls/admin/run-admin-command';
import type { AdminChange, AdminRecord, ControlLedger } from '../../../../../shared/controls/ledger/control-ledger';
import { createControlLedger, createLedgerCache } from '../../../../../shared/controls/ledger/create-control-ledger';
import { DEFAULT_ROBOT_CONTROLS, type RobotControls } from '../../../../../shared/controls/robot-controls';
import type { AppendLog } from '../../../../../shared/storage/append-log';
import { createMemoryAppendLog } from '../../../../../shared/storage/memory/memory-append-log';
import { inboundMessage } from '../../../../helpers/control-state';

const NOW = Date.parse('2026-12-02T06:03:00Z'); // 14:03 in Beijing
const YESTERDAY = Date.parse('2026-12-01T04:00:00Z'); // 12:00 on 1 December in Beijing
const controls: RobotControls = {
  ...DEFAULT_ROBOT_CONTROLS,
  access: { ...DEFAULT_ROBOT_CONTROLS.access, admins: ['boss'] },
  limits: {
    user: { messagesPerMinute: 10, tokensPerDay: 100_000, tokensPerMonth: undefined },
    group: { messagesPerMinute: undefined, tokensPerDay: undefined, tokensPerMonth: 2_000_000 },
  },
};

/** One message's reservation: who, in which group, when, and what it costs. */
type Admit = [user: string, name: string | undefined, group: string | undefined, at: number, tokens: number, calls: number];

/**
 * The month so far, admitted through the real ledger: yesterday 张三 (u1, in g1) 111,111 tokens and 1,178 calls, two
 * people named 李四 (u2, u3) 899,500 and 10; today u1 three messages in g1 (12,345 tokens, 56 calls), u2 one (500).
 */
const MONTH: Admit[] = [
  ['u1', '张三', 'g1', YESTERDAY, 111_111, 1_178],
  ['u2', '李四', undefined, YESTERDAY + 1, 899_500, 0],
  ['u3', '李四', undefined, YESTERDAY + 2, 10, 0],
  ['u1', '张三', 'g1', NOW - 3_600_000, 4_000, 18],
  ['u1', '张三', 'g1', NOW - 3_500_000, 4_000, 18],
  ['u1', '张三', 'g1', NOW - 3_400_000, 4_345, 20],
  ['u2', '李四', 'g1', NOW - 3_300_000, 500, 0],
];

/** A robot's ledger over one bucket; `instance()` is another FC instance with its own kept view. */
async function bucket(admits: Admit[] = MONTH, changes: AdminChange[] = []) {
  const { log } = createMemoryAppendLog();
  const instance = (): ControlLedger => createControlLedger({ log: log as AppendLog, prefix: 'controls/', robot: 'dingtalk', cache: createLedgerCache() });
  const seeding = instance();
  for (const [index, [user, name, group, at, tokens, calls]] of admits.entries()) {
    const subject = { user, ...(name === undefined ? {} : { userName: name }), ...(group === undefined ? {} : { group }) };
    await seeding.admit({ id: `seed-${index}`, subject, at, estimate: { tokens, calls }, limits: { user: { ...controls.limits.user, messagesPerMinute: undefined }, group: controls.limits.group } });
  }
  for (const change of changes) await seeding.recordAdmin({ by: 'boss', byName: '老板', at: NOW - 60_000, change });
  return { instance, ledger: instance() };
}

/** The audit records the bucket holds, as any instance reads them back. */
const audit = async (ledger: ControlLedger): Promise<AdminRecord[]> => [...(await ledger.state(NOW + 1, 0)).recentAdmin];

function run(text: string, ledger: ControlLedger, options: { group?: string } = {}): Promise<string> {
  const context: AdminContext = {
    message: inboundMessage({ user: 'boss', name: '老板', text, ...(options.group === undefined ? {} : { group: options.group }) }),
    ledger,
    controls,
    now: NOW,
    status: { version: '1.2.3', model: 'qwen-plus', robot: 'dingtalk' },
  };
  return runAdminCommand(parseAdminCommand(text) as AdminCommand, context);
}

describe('runAdminCommand: block and unblock', () => {
  it('blocks a user named by @名字, keeps the audit record of who, what and when, and another instance refuses them', async () => {
    // Arrange
    const { ledger, instance } = await bucket();
    // Act
    const reply = await run('/admin block @张三', ledger);
    // Assess
    expect(reply).toBe('已封禁 张三（u1），对方的消息将不再得到回答。所有实例会在一分钟内生效。');
    expect(await audit(instance())).toEqual([{ by: 'boss', byName: '老板', at: NOW, change: { kind: 'block', user: 'u1' } }]);
    const admission = await instance().admit({ id: 'after', subject: { user: 'u1' }, at: NOW + 2, estimate: { tokens: 1, calls: 0 }, limits: controls.limits });
    expect(admission).toMatchObject({ admitted: false, reason: 'blocked' });
  });

  it('unblocks a blocked user, and changes nothing for one not blocked', async () => {
    // Arrange
    const { ledger, instance } = await bucket(MONTH, [{ kind: 'block', user: 'u9' }]);
    // Act
    const unblocked = await run('/管理 解封 u9', ledger);
    const unchanged = await run('/admin unblock u1', ledger);
    // Assess
    expect(unblocked).toContain('已解封 u9');
    expect(unchanged).toBe('张三（u1） 没有被封禁，未做改动。');
    expect((await audit(instance())).map((record) => record.change)).toEqual([{ kind: 'block', user: 'u9' }, { kind: 'unblock', user: 'u9' }]);
    expect((await instance().state(NOW + 1, 0)).blocked.size).toBe(0);
  });

  it('warns that blocking an admin has no effect', async () => {
    // Act / Assess
    expect(await run('/admin block boss', (await bucket()).ledger)).toContain('管理员不受封禁影响');
  });

  it('does not guess between two people of one name, nor invent someone unseen', async () => {
    // Arrange
    const { ledger, instance } = await bucket();
    // Act
    const ambiguous = await run('/admin block @李四', ledger);
    const unknown = await run('/admin block @王五', ledger);
    // Assess
    expect(ambiguous).toBe('有 2 个都叫「李四」：u2、u3。请改用 id。');
    expect(unknown).toContain('没有名为「王五」的用户');
    expect(await audit(instance())).toEqual([]);
  });
});

describe('runAdminCommand: quota', () => {
  it('sets a user’s quota over the earlier change and says what is in force', async () => {
    // Arrange
    const { ledger, instance } = await bucket(MONTH, [{ kind: 'quota', scope: 'user', id: 'u1', values: { tokensPerMonth: 500_000 } }]);
    // Act
    const reply = await run('/admin quota user u1 day=2w rate=none', ledger);
    // Assess
    expect(reply).toBe(
      '已设置用户 张三（u1） 的配额：每分钟 不限、每日 20,000 tokens。现在生效：每分钟 不限、每日 20,000 tokens、每月 500,000 tokens。所有实例会在一分钟内生效。',
    );
    const latest = (await audit(instance())).at(-1);
    expect(latest).toMatchObject({ by: 'boss', at: NOW });
    expect(latest?.change).toEqual({
      kind: 'quota', scope: 'user', id: 'u1', values: { tokensPerMonth: 500_000, tokensPerDay: 20_000, messagesPerMinute: Number.MAX_SAFE_INTEGER },
    });
  });

  it('sets this group’s quota from inside the group, and refuses 本群 in a 1:1 chat', async () => {
    // Arrange
    const { ledger, instance } = await bucket();
    // Act
    const inGroup = await run('/管理 配额 群 本群 月=3万', ledger, { group: 'g1' });
    const alone = await run('/管理 配额 群 本群 月=3万', ledger);
    // Assess
    expect(inGroup).toContain('已设置群 g1 的配额：每月 30,000 tokens。现在生效：每日 不限、每月 30,000 tokens。');
    expect(alone).toContain('「本群」只能在群聊里使用');
    expect((await audit(instance())).map((record) => record.change)).toEqual([{ kind: 'quota', scope: 'group', id: 'g1', values: { tokensPerMonth: 30_000 } }]);
  });

  it('resets a quota back to the controls file, and records nothing when there was none', async () => {
    // Arrange
    const { ledger, instance } = await bucket(MONTH, [{ kind: 'quota', scope: 'user', id: 'u1', values: { tokensPerDay: 1 } }]);
    // Act
    const reset = await run('/admin quota user @张三 reset', ledger);
    const nothing = await run('/admin quota user u2 reset', ledger);
    // Assess
    expect(reset).toBe('已恢复用户 张三（u1） 的配额为配置文件的：每分钟 10 条、每日 100,000 tokens、每月 不限。所有实例会在一分钟内生效。');
    expect(nothing).toContain('没有单独设置的配额');
    expect((await audit(instance())).map((record) => record.change.kind)).toEqual(['quota', 'quota-reset']);
  });
});

describe('runAdminCommand: status', () => {
  it('shows the deployment, the limits, the blocks, the API calls used and forecast, the card step and recent changes', async () => {
    // Arrange: a change made on another instance just before, which a fresh read must see
    const { ledger, instance } = await bucket(MONTH, [{ kind: 'quota', scope: 'user', id: 'u1', values: { tokensPerDay: 1 } }]);
    await run('/admin status', ledger);
    await run('/admin block u2', instance());
    // Act
    const reply = await run('/admin status', ledger);
    // Assess
    expect(reply).toContain('机器人状态 · dingtalk');
    expect(reply).toContain('- 版本：1.2.3');
    expect(reply).toContain('- 模型：qwen-plus');
    expect(reply).toContain('- 配置文件的限额：每人 每分钟 10 条、每日 100,000 tokens、每月 不限；每群 每日 不限、每月 2,000,000 tokens');
    expect(reply).toContain('- 已封禁：1 人');
    // 1,234 calls by 14:03 on the 2nd forecast about 24,000 for the month: one step below the 12% the counts say
    expect(reply).toMatch(/本月 1,234 \/ 10,000 次（12\.3%），今日 56 次；按目前的速度本月预计 24,\d{3} 次/);
    expect(reply).toContain('- 卡片模式：节省（卡片更新次数减少），按目前的速度本月会超出额度');
    expect(reply).toContain('- 2026-12-02 14:03（北京时间） 老板（boss）：封禁 李四（u2）');
    expect(reply).toContain('- 单独设置了配额：用户 1 个，群 0 个');
  });
});

describe('runAdminCommand: usage', () => {
  it('lists today and this month per user and per group, by tokens, with names', async () => {
    // Act
    const reply = await run('/admin usage', (await bucket()).ledger);
    // Assess
    expect(reply).toContain('用量 · 2026-12-02（北京时间）');
    expect(reply).toContain('**今日 · 用户**（共 2 人）\n1. 张三（u1）：3 条，12,345 tokens\n2. 李四（u2）：1 条，500 tokens');
    expect(reply).toContain('**今日 · 群**（共 1 个）\n1. g1：4 条，12,845 tokens');
    expect(reply).toContain('**本月（2026-12） · 用户**（共 3 人）\n1. 李四（u2）：900,000 tokens\n2. 张三（u1）：123,456 tokens\n3. 李四（u3）：10 tokens');
  });

  it('shows the top 10 only, saying how many there are', async () => {
    // Arrange
    const admits = Array.from({ length: 12 }, (_, i): Admit => [`u${i}`, undefined, undefined, NOW - 600_000 + i, (i + 1) * 1_000, 0]);
    // Act
    const reply = await run('/admin usage', (await bucket(admits)).ledger);
    // Assess
    expect(reply).toContain('**今日 · 用户**（按 tokens 前 10，共 12 人）\n1. u11：1 条，12,000 tokens');
    expect(reply).not.toContain('u0：');
    expect(reply).toContain('**今日 · 群**\n（无）');
  });

  it('shows one user, or this group, with the limits in force', async () => {
    // Arrange
    const { ledger } = await bucket();
    // Act
    const user = await run('/admin usage @张三', ledger);
    const group = await run('/admin usage 本群', ledger, { group: 'g1' });
    // Assess
    expect(user).toBe([
      '**用户 张三（u1）**（北京时间）',
      '- 今日（2026-12-02）：3 条，12,345 tokens',
      '- 本月（2026-12）：123,456 tokens',
      '- 配额：每分钟 10 条、每日 100,000 tokens、每月 不限（配置文件）',
    ].join('\n'));
    expect(group).toContain('**群 g1**');
    expect(group).toContain('- 本月（2026-12）：123,956 tokens');
    expect(group).toContain('- 配额：每日 不限、每月 2,000,000 tokens（配置文件）');
  });
});

describe('runAdminCommand: help and malformed commands', () => {
  it('answers help with the syntax, and a malformed command with what is wrong and the syntax', async () => {
    // Arrange
    const { ledger } = await bucket([]);
    // Act
    const help = await run('/admin', ledger);
    const invalid = await run('/admin quota user u1 day=lots', ledger);
    // Assess
    expect(help).toContain('/admin quota user <id|@名字> day=N month=N rate=N');
    expect(invalid.startsWith('「day=lots」的值应是非负整数')).toBe(true);
    expect(invalid).toContain(help);
  });
});
