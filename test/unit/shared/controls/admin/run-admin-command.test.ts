import { parseAdminCommand, type AdminCommand } from '../../../../../shared/controls/admin/admin-command';
import { runAdminCommand, type AdminContext } from '../../../../../shared/controls/admin/run-admin-command';
import { DEFAULT_ROBOT_CONTROLS, type RobotControls } from '../../../../../shared/controls/robot-controls';
import { createFakeControlLedger, inboundMessage, type FakeControlLedger, type FakeLedgerSeed } from '../../../../helpers/fake-control-ledger';

const NOW = Date.parse('2026-12-02T06:03:00Z'); // 14:03 in Beijing
const controls: RobotControls = {
  ...DEFAULT_ROBOT_CONTROLS,
  access: { ...DEFAULT_ROBOT_CONTROLS.access, admins: ['boss'] },
  limits: {
    user: { messagesPerMinute: 10, tokensPerDay: 100_000, tokensPerMonth: undefined },
    group: { messagesPerMinute: undefined, tokensPerDay: undefined, tokensPerMonth: 2_000_000 },
  },
};
const SEED: FakeLedgerSeed = {
  users: {
    u1: { name: '张三', messagesToday: 3, tokensToday: 12_345, tokensMonth: 123_456 },
    u2: { name: '李四', messagesToday: 1, tokensToday: 500, tokensMonth: 900_000 },
    u3: { name: '李四', tokensMonth: 10 },
  },
  groups: { g1: { messagesToday: 4, tokensToday: 12_845, tokensMonth: 1_000_000 } },
  calls: { day: 56, month: 1_234 },
};

interface RunOptions {
  group?: string;
  seed?: FakeLedgerSeed;
  ledger?: FakeControlLedger;
}

function run(text: string, options: RunOptions = {}): { ledger: FakeControlLedger; reply: Promise<string> } {
  const ledger = options.ledger ?? createFakeControlLedger(options.seed ?? SEED);
  const command = parseAdminCommand(text) as AdminCommand;
  const context: AdminContext = {
    message: inboundMessage({ user: 'boss', name: '老板', text, ...(options.group === undefined ? {} : { group: options.group }) }),
    ledger,
    controls,
    now: NOW,
    status: { version: '1.2.3', model: 'qwen-plus', robot: 'dingtalk', cardStep: { step: 'fewer', reason: 'forecast', used: 1_234, forecast: 11_500 } },
  };
  return { ledger, reply: runAdminCommand(command, context) };
}

describe('runAdminCommand: block and unblock', () => {
  it('blocks a user named by @名字 and keeps the audit record of who, what and when', async () => {
    // Act
    const { ledger, reply } = run('/admin block @张三');
    // Assess
    expect(await reply).toBe('已封禁 张三（u1），对方的消息将不再得到回答。所有实例会在一分钟内生效。');
    expect(ledger.records).toEqual([{ by: 'boss', byName: '老板', at: NOW, change: { kind: 'block', user: 'u1' } }]);
    expect(ledger.current().blocked.has('u1')).toBe(true);
  });

  it('unblocks a blocked user, and changes nothing for one not blocked', async () => {
    // Arrange
    const seed = { ...SEED, blocked: ['u9'] };
    // Act
    const unblocked = run('/管理 解封 u9', { seed });
    const unchanged = run('/admin unblock u1', { seed });
    // Assess
    expect(await unblocked.reply).toContain('已解封 u9');
    expect(unblocked.ledger.records.map((record) => record.change)).toEqual([{ kind: 'unblock', user: 'u9' }]);
    expect(await unchanged.reply).toBe('张三（u1） 没有被封禁，未做改动。');
    expect(unchanged.ledger.records).toEqual([]);
  });

  it('warns that blocking an admin has no effect', async () => {
    // Act / Assess
    expect(await run('/admin block boss').reply).toContain('管理员不受封禁影响');
  });

  it('does not guess between two people of one name, nor invent someone unseen', async () => {
    // Act
    const ambiguous = run('/admin block @李四');
    const unknown = run('/admin block @王五');
    // Assess
    expect(await ambiguous.reply).toBe('有 2 个都叫「李四」：u2、u3。请改用 id。');
    expect(await unknown.reply).toContain('没有名为「王五」的用户');
    expect([...ambiguous.ledger.records, ...unknown.ledger.records]).toEqual([]);
  });
});

describe('runAdminCommand: quota', () => {
  it('sets a user’s quota over the earlier change and says what is in force', async () => {
    // Arrange
    const seed = { ...SEED, quotas: { user: { u1: { tokensPerMonth: 500_000 } } } };
    // Act
    const { ledger, reply } = run('/admin quota user u1 day=2w rate=none', { seed });
    // Assess
    expect(await reply).toBe(
      '已设置用户 张三（u1） 的配额：每分钟 不限、每日 20,000 tokens。现在生效：每分钟 不限、每日 20,000 tokens、每月 500,000 tokens。所有实例会在一分钟内生效。',
    );
    expect(ledger.records[0]).toMatchObject({ by: 'boss', at: NOW, change: { kind: 'quota', scope: 'user', id: 'u1' } });
    expect(ledger.records[0]?.change).toEqual({
      kind: 'quota', scope: 'user', id: 'u1', values: { tokensPerMonth: 500_000, tokensPerDay: 20_000, messagesPerMinute: Number.MAX_SAFE_INTEGER },
    });
  });

  it('sets this group’s quota from inside the group, and refuses 本群 in a 1:1 chat', async () => {
    // Act
    const inGroup = run('/管理 配额 群 本群 月=3万', { group: 'g1' });
    const alone = run('/管理 配额 群 本群 月=3万');
    // Assess
    expect(await inGroup.reply).toContain('已设置群 g1 的配额：每月 30,000 tokens。现在生效：每日 不限、每月 30,000 tokens。');
    expect(inGroup.ledger.records[0]?.change).toEqual({ kind: 'quota', scope: 'group', id: 'g1', values: { tokensPerMonth: 30_000 } });
    expect(await alone.reply).toContain('「本群」只能在群聊里使用');
    expect(alone.ledger.records).toEqual([]);
  });

  it('resets a quota back to the controls file, and records nothing when there was none', async () => {
    // Arrange
    const seed = { ...SEED, quotas: { user: { u2: { tokensPerDay: 1 } } } };
    // Act
    const reset = run('/admin quota user @张三 reset', { seed: { ...seed, quotas: { user: { u1: { tokensPerDay: 1 } } } } });
    const nothing = run('/admin quota user u1 reset', { seed });
    // Assess
    expect(await reset.reply).toBe('已恢复用户 张三（u1） 的配额为配置文件的：每分钟 10 条、每日 100,000 tokens、每月 不限。所有实例会在一分钟内生效。');
    expect(reset.ledger.records[0]?.change).toEqual({ kind: 'quota-reset', scope: 'user', id: 'u1' });
    expect(await nothing.reply).toContain('没有单独设置的配额');
    expect(nothing.ledger.records).toEqual([]);
  });
});

describe('runAdminCommand: status', () => {
  it('shows the deployment, the limits, the blocks, the API calls used and forecast, the card step and recent changes', async () => {
    // Arrange: one change first, so the status lists it.
    const { ledger, reply: blocked } = run('/admin block u2', { seed: { ...SEED, quotas: { user: { u1: { tokensPerDay: 1 } } } } });
    await blocked;
    // Act
    const reply = await run('/admin status', { ledger }).reply;
    // Assess
    expect(reply).toContain('机器人状态 · dingtalk');
    expect(reply).toContain('- 版本：1.2.3');
    expect(reply).toContain('- 模型：qwen-plus');
    expect(reply).toContain('- 配置文件的限额：每人 每分钟 10 条、每日 100,000 tokens、每月 不限；每群 每日 不限、每月 2,000,000 tokens');
    expect(reply).toContain('- 已封禁：1 人');
    expect(reply).toContain('本月 1,234 / 10,000 次（12.3%），今日 56 次；按目前的速度本月预计 11,500 次');
    expect(reply).toContain('- 卡片模式：节省（卡片更新次数减少），按目前的速度本月会超出额度');
    expect(reply).toContain('- 2026-12-02 14:03（北京时间） 老板（boss）：封禁 李四（u2）');
    expect(reply).toContain('- 单独设置了配额：用户 1 个，群 0 个');
    expect(ledger.stateReads.every((read) => read.maxAgeMs === 0)).toBe(true);
  });
});

describe('runAdminCommand: usage', () => {
  it('lists today and this month per user and per group, by tokens, with names', async () => {
    // Act
    const reply = await run('/admin usage').reply;
    // Assess
    expect(reply).toContain('用量 · 2026-12-02（北京时间）');
    expect(reply).toContain('**今日 · 用户**（共 2 人）\n1. 张三（u1）：3 条，12,345 tokens\n2. 李四（u2）：1 条，500 tokens');
    expect(reply).toContain('**今日 · 群**（共 1 个）\n1. g1：4 条，12,845 tokens');
    expect(reply).toContain('**本月（2026-12） · 用户**（共 3 人）\n1. 李四（u2）：900,000 tokens\n2. 张三（u1）：123,456 tokens\n3. 李四（u3）：10 tokens');
  });

  it('shows the top 10 only, saying how many there are', async () => {
    // Arrange
    const users = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`u${i}`, { tokensToday: (i + 1) * 1_000, tokensMonth: (i + 1) * 1_000 }]));
    // Act
    const reply = await run('/admin usage', { seed: { users } }).reply;
    // Assess
    expect(reply).toContain('**今日 · 用户**（按 tokens 前 10，共 12 人）\n1. u11：0 条，12,000 tokens');
    expect(reply).not.toContain('u0：');
    expect(reply).toContain('**今日 · 群**\n（无）');
  });

  it('shows one user, or this group, with the limits in force', async () => {
    // Act
    const user = await run('/admin usage @张三').reply;
    const group = await run('/admin usage 本群', { group: 'g1' }).reply;
    // Assess
    expect(user).toBe([
      '**用户 张三（u1）**（北京时间）',
      '- 今日（2026-12-02）：3 条，12,345 tokens',
      '- 本月（2026-12）：123,456 tokens',
      '- 配额：每分钟 10 条、每日 100,000 tokens、每月 不限（配置文件）',
    ].join('\n'));
    expect(group).toContain('**群 g1**');
    expect(group).toContain('- 本月（2026-12）：1,000,000 tokens');
    expect(group).toContain('- 配额：每日 不限、每月 2,000,000 tokens（配置文件）');
  });
});

describe('runAdminCommand: help and malformed commands', () => {
  it('answers help with the syntax, and a malformed command with what is wrong and the syntax', async () => {
    // Act
    const help = await run('/admin').reply;
    const invalid = await run('/admin quota user u1 day=lots').reply;
    // Assess
    expect(help).toContain('/admin quota user <id|@名字> day=N month=N rate=N');
    expect(invalid.startsWith('「day=lots」的值应是非负整数')).toBe(true);
    expect(invalid).toContain(help);
  });
});
