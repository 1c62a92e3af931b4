import { createDingTalkHttp } from '../../../../../shared/channels/dingtalk/dingtalk-http';
import { parseWebhookHosts } from '../../../../../shared/channels/dingtalk/webhook-hosts';
import { parseChannelsConfig, type ChannelsConfig } from '../../../../../shared/channels/group-robot/channels-config';
import { createGroupRobotChannel } from '../../../../../shared/channels/group-robot/group-robot-channel';
import { createRobotClient } from '../../../../../shared/channels/group-robot/robot-client';
import { createSendWindow } from '../../../../../shared/channels/group-robot/send-window';
import { DeliveryError, PayloadParseError, UnknownRobotError } from '../../../../../shared/errors';
import { createLogger } from '../../../../../shared/logging/logger';
import { createMemoryAppendLog } from '../../../../../shared/storage/memory/memory-append-log';
import { captureLog } from '../../../../helpers/builders';
import { startFakeGroupRobot, type FakeGroupRobot } from '../../../../helpers/fake-group-robot';

const SECRET = `SEC${'c0ffee'.repeat(10)}`;
const OPS_TOKEN = 'opsaccesstoken0123456789';
const TEAM_TOKEN = 'teamaccesstoken012345678';
const START = Date.UTC(2026, 0, 5, 1, 0, 0);

describe('group-robot channel', () => {
  let clock = START;
  let robot: FakeGroupRobot;
  let config: ChannelsConfig;
  let storage: ReturnType<typeof createMemoryAppendLog>;
  const log = captureLog();

  beforeEach(async () => {
    clock = START;
    log.lines.length = 0;
    storage = createMemoryAppendLog();
    robot = await startFakeGroupRobot({ robots: { [OPS_TOKEN]: { secret: SECRET }, [TEAM_TOKEN]: { keywords: ['日报'] } }, now: () => clock });
    const text = JSON.stringify({
      robots: { ops: { webhook: robot.webhookOf(OPS_TOKEN), secret: SECRET }, team: { webhook: robot.webhookOf(TEAM_TOKEN), keywords: ['日报'] } },
      jobs: { digest: { robot: 'team', prompt: '今天的日报' } },
    });
    config = parseChannelsConfig(text, 'config/channels.json', parseWebhookHosts([new URL(robot.url).host]));
  });
  afterEach(() => robot.close());

  function channel(options: { deadline?: number; maxChars?: number } = {}) {
    const logger = createLogger({ service: 'test', write: log.write, now: () => new Date(clock) });
    const window = createSendWindow({ log: storage.log, prefix: 'robot-sends/', logger, now: () => clock, sleep: async (ms) => void (clock += ms) });
    return createGroupRobotChannel({
      robots: config.robots,
      client: createRobotClient({ http: createDingTalkHttp({ timeoutMs: 2000 }), now: () => clock }),
      window,
      logger,
      deadline: options.deadline ?? START + 60_000,
      ...(options.maxChars ? { split: { maxChars: options.maxChars } } : {}),
    });
  }

  it('opens a job run as a group message of the job, and posts the answer to its robot', async () => {
    // Prepare
    const turn = channel().open({ robot: 'team', prompt: '今天的日报', runId: 'job:digest@2026-01-05T01:00:00Z', source: 'job', job: 'digest' });
    // Act
    const result = await turn.reply('## 今日\n\n一切正常。');
    // Assess
    expect(turn.message).toEqual({
      channel: 'group-robot',
      id: 'job:digest@2026-01-05T01:00:00Z',
      account: 'team',
      conversation: { id: 'job:digest', group: true },
      sender: { id: 'digest', name: 'digest' },
      content: { kind: 'input', text: '今天的日报', images: [] },
    });
    expect(result).toEqual({ parts: 1, skipped: 0 });
    expect(robot.accepted.map((message) => [message.token, message.body.markdown?.text])).toEqual([[TEAM_TOKEN, '**日报**\n\n## 今日\n\n一切正常。']]);
  });

  it('opens a push as the robot’s push conversation', () => {
    // Act
    const turn = channel().open({ robot: 'ops', prompt: '构建失败了吗？', runId: 'push:ci-123', source: 'push' });
    // Assess
    expect(turn.message.conversation).toEqual({ id: 'push:ops', group: true });
    expect(turn.message.sender).toEqual({ id: 'push' });
    expect(turn.cards).toBeUndefined();
  });

  it.each([
    ['a job run without its job', { robot: 'ops', prompt: 'x', runId: 'job:a@t', source: 'job' }],
    ['an unknown source', { robot: 'ops', prompt: 'x', runId: 'r', source: 'chat' }],
    ['an empty prompt', { robot: 'ops', prompt: '', runId: 'r', source: 'push' }],
  ])('refuses %s', (_, message) => {
    // Act
    const act = () => channel().open(message);
    // Assess
    expect(act).toThrow(PayloadParseError);
  });

  it('refuses a robot the config no longer has', () => {
    // Act
    const act = () => channel().open({ robot: 'gone', prompt: 'x', runId: 'push:1', source: 'push' });
    // Assess
    expect(act).toThrow(UnknownRobotError);
  });

  const threeParts = Array.from({ length: 3 }, (_, index) => `第 ${index + 1} 段：${'内容'.repeat(40)}`).join('\n\n');

  it('meeting DingTalk’s block mid-answer: says the parts delivered, not retryable, blocks the robot for every instance, and a later run after the block posts the rest', async () => {
    // Prepare: another tool already used 19 of this minute's 20 messages
    const client = createRobotClient({ http: createDingTalkHttp(), now: () => clock });
    for (let index = 0; index < 19; index += 1) await client.send({ name: 'ops', webhook: robot.webhookOf(OPS_TOKEN), secret: SECRET }, { msgtype: 'text', text: `x${index}` });
    const turn = channel({ maxChars: 100 }).open({ robot: 'ops', prompt: 'p', runId: 'push:1', source: 'push' });
    // Act
    const error = await turn.reply(threeParts).catch((thrown: unknown) => thrown);
    const answersBefore = robot.answers.length;
    const elsewhere = await channel().open({ robot: 'ops', prompt: 'p', runId: 'push:2', source: 'push' }).reply('另一条').catch((thrown: unknown) => thrown);
    const answersAfter = robot.answers.length;
    clock += 10 * 60_000;
    const retried = await channel({ maxChars: 100 }).open({ robot: 'ops', prompt: 'p', runId: 'push:1', source: 'push' }).reply(threeParts, { skipParts: 1 });
    // Assess
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ deliveredParts: 1, retryable: false });
    expect((error as DeliveryError).cause).toMatchObject({ errcode: '130101' });
    expect(elsewhere).toMatchObject({ retryable: false, cause: { code: 'ROBOT_RATE_LIMITED', reason: 'blocked' } });
    expect(answersAfter).toBe(answersBefore);
    expect(retried).toEqual({ parts: 3, skipped: 1 });
    const texts = robot.accepted.slice(19).map((message) => message.body.markdown?.text.slice(0, 5));
    expect(texts).toEqual(['第 1 段', '第 2 段', '第 3 段']);
  });

  it('does not post again a part that may have been posted (no answer after sending), and goes on with the next', async () => {
    // Prepare
    const turn = channel({ maxChars: 100 }).open({ robot: 'ops', prompt: 'p', runId: 'push:1', source: 'push' });
    robot.failNext('handled-then-hangup');
    // Act
    const result = await turn.reply(threeParts);
    // Assess
    expect(result).toEqual({ parts: 3, skipped: 0 });
    expect(robot.accepted.map((message) => message.body.markdown?.text.slice(0, 5))).toEqual(['第 1 段', '第 2 段', '第 3 段']);
  });

  it('fails without sending when the window frees up only after the deadline', async () => {
    // Prepare
    for (let index = 0; index < 20; index += 1) await channel().open({ robot: 'ops', prompt: 'p', runId: `push:${index}`, source: 'push' }).reply(`第 ${index} 条`);
    const turn = channel({ deadline: START + 30_000 }).open({ robot: 'ops', prompt: 'p', runId: 'push:late', source: 'push' });
    // Act
    const error = await turn.reply('晚到的回答').catch((thrown: unknown) => thrown);
    // Assess
    expect(error).toMatchObject({ deliveredParts: 0, retryable: true, cause: { reason: 'window-full', sendsInWindow: 20 } });
    expect(robot.accepted).toHaveLength(20);
  });

  it('reports a refused signature as not retryable, and logs neither the access token nor the secret', async () => {
    // Prepare
    robot.failNext({ errcode: 310000, errmsg: 'sign not match' });
    const turn = channel().open({ robot: 'ops', prompt: 'p', runId: 'push:1', source: 'push' });
    // Act
    const error = await turn.reply('回答').catch((thrown: unknown) => thrown);
    // Assess
    expect(error).toMatchObject({ deliveredParts: 0, retryable: false, cause: { reason: 'security' } });
    const lines = log.lines.join('\n');
    expect(lines).toContain('group robot message could not be posted');
    expect(lines).not.toContain(OPS_TOKEN);
    expect(lines).not.toContain(SECRET);
  });
});
