import { createControlLedger, createLedgerCache } from '../../../../shared/controls/ledger/create-control-ledger';
import { DEFAULT_ROBOT_CONTROLS, type RobotControls } from '../../../../shared/controls/robot-controls';
import type { TurnControls } from '../../../../shared/controls/turn-controls';
import type { TurnRobot } from '../../../../shared/turn/turn-dependencies';
import { createMemoryAppendLog } from '../../../../shared/storage/memory/memory-append-log';
import { handleMessage } from '../../../../shared/turn/handle-message';
import type { DingTalkMessage } from '../../../../shared/channels/dingtalk/schema';
import { createWorkerEvent } from '../../../helpers/builders';
import { createFakeChatModel } from '../../../helpers/fake-chat-model';
import { createTurnDependencies, TEST_NOW } from '../../../helpers/turn-dependencies';

interface Instance {
  robot: TurnRobot;
  controls: TurnControls;
}

/** One robot's controls over one bucket; `instance()` is another FC instance: its own kept view of the ledger. */
function rig(controls: Partial<RobotControls> = {}) {
  const { log } = createMemoryAppendLog();
  const settings: RobotControls = { ...DEFAULT_ROBOT_CONTROLS, ...controls };
  const instance = (): Instance => ({
    robot: { name: 'dingtalk', controls: settings },
    controls: { ledger: createControlLedger({ log, prefix: 'controls/', robot: 'dingtalk', cache: createLedgerCache() }), version: '0.1.0-test' },
  });
  return { instance };
}

let clock = TEST_NOW;
const now = () => (clock += 7);

async function send(instance: Instance, message: Partial<DingTalkMessage>, model = createFakeChatModel()) {
  const deps = createTurnDependencies({ ...instance, model: model.model, now });
  const event = deps.open(createWorkerEvent({ msgId: `m-${clock}-${Math.random()}`, ...message }, `delivery-${clock}`));
  await handleMessage(event, deps);
  return { replies: deps.replies, asked: model.requests.length };
}

const group = { conversationType: '2', conversationId: 'cidGROUP==', isInAtList: true } as Partial<DingTalkMessage>;

describe('the company controls in a turn', () => {
  test('a deny-listed user is told once a day, politely, and the model is never asked', async () => {
    const { instance } = rig({ access: { ...DEFAULT_ROBOT_CONTROLS.access, denyUsers: ['staff-9'] } });
    const first = await send(instance(), { senderStaffId: 'staff-9', text: { content: '你好' } });
    const second = await send(instance(), { senderStaffId: 'staff-9', text: { content: '在吗' } });
    expect(first.replies).toEqual([expect.stringContaining('没有使用这个机器人的权限')]);
    expect(second.replies).toEqual([]);
    expect(first.asked + second.asked).toBe(0);
  });

  test('a deny-listed group gets the group refusal, and other groups are answered', async () => {
    const { instance } = rig({ access: { ...DEFAULT_ROBOT_CONTROLS.access, denyGroups: ['cidGROUP=='] } });
    const denied = await send(instance(), { ...group, text: { content: '你好' } });
    const other = await send(instance(), { ...group, conversationId: 'cidOTHER==', text: { content: '你好' } });
    expect(denied.replies).toEqual([expect.stringContaining('不在本群提供服务')]);
    expect(denied.asked).toBe(0);
    expect(other.replies).toEqual(['模型的回答']);
  });

  test('/admin from someone who is not an admin gets the ordinary unknown-command help', async () => {
    const { instance } = rig({ access: { ...DEFAULT_ROBOT_CONTROLS.access, admins: ['boss'] } });
    const { replies } = await send(instance(), { senderStaffId: 'staff-1', text: { content: '/admin block staff-2' } });
    expect(replies).toEqual([expect.stringContaining('没有「/admin」这个命令')]);
  });

  test('an admin blocks a user on one instance and another instance refuses them at their next message', async () => {
    const { instance } = rig({ access: { ...DEFAULT_ROBOT_CONTROLS.access, admins: ['boss'] } });
    const first = instance();
    const second = instance();
    expect((await send(second, { senderStaffId: 'staff-2', text: { content: '你好' } })).replies).toEqual(['模型的回答']);
    const admin = await send(first, { senderStaffId: 'boss', text: { content: '/admin block staff-2' } });
    expect(admin.replies[0]).toContain('staff-2');
    const after = await send(second, { senderStaffId: 'staff-2', text: { content: '还在吗' } });
    expect(after.asked).toBe(0);
    expect(after.replies).toEqual([expect.stringContaining('已被管理员暂停')]);
  });

  test('a quota an admin sets on one instance limits the user on another', async () => {
    const { instance } = rig({ access: { ...DEFAULT_ROBOT_CONTROLS.access, admins: ['boss'] } });
    const first = instance();
    const second = instance();
    await send(second, { senderStaffId: 'staff-3', text: { content: '一' } });
    await send(first, { senderStaffId: 'boss', text: { content: '/admin quota user staff-3 rate=1' } });
    const over = await send(second, { senderStaffId: 'staff-3', text: { content: '二' } });
    expect(over.asked).toBe(0);
    expect(over.replies).toEqual([expect.stringMatching(/每分钟 1 条.*北京时间/)]);
  });

  test('/usage shows what is left of the limits', async () => {
    const { instance } = rig({ limits: { user: { messagesPerMinute: 5, tokensPerDay: 1000, tokensPerMonth: undefined }, group: DEFAULT_ROBOT_CONTROLS.limits.group } });
    const controls = instance();
    await send(controls, { text: { content: '你好' } });
    const { replies } = await send(controls, { text: { content: '/usage' } });
    expect(replies[0]).toContain('你的额度');
    expect(replies[0]).toContain('剩余 4 / 5 条');
    expect(replies[0]).toMatch(/今日 tokens：剩余 9\d\d \/ 1,000/);
  });
});
