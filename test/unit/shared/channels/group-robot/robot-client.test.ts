import { createDingTalkHttp } from '../../../../../shared/channels/dingtalk/dingtalk-http';
import { createRobotClient, type RobotTarget } from '../../../../../shared/channels/group-robot/robot-client';
import { markdownParts, ROBOT_BODY_MAX_BYTES, robotBody, textMessage } from '../../../../../shared/channels/group-robot/robot-message';
import { DingTalkApiError, RobotRejectedError } from '../../../../../shared/errors';
import { startFakeGroupRobot, type FakeGroupRobot } from '../../../../helpers/fake-group-robot';

const SECRET = `SEC${'5ecre7'.repeat(10)}`;
const SIGNED = 'signedtoken0001';
const KEYWORD = 'keywordtoken002';

describe('robot client against a group robot stand-in', () => {
  let clock = Date.UTC(2026, 0, 5, 1, 0, 0);
  let robot: FakeGroupRobot;
  const http = createDingTalkHttp({ timeoutMs: 2000 });
  const client = createRobotClient({ http, now: () => clock });

  beforeEach(async () => {
    robot = await startFakeGroupRobot({ robots: { [SIGNED]: { secret: SECRET }, [KEYWORD]: { keywords: ['日报', '告警'] } }, now: () => clock });
  });
  afterEach(() => robot.close());

  const signed = (): RobotTarget => ({ name: 'ops', webhook: robot.webhookOf(SIGNED), secret: SECRET });
  const keyword = (): RobotTarget => ({ name: 'team', webhook: robot.webhookOf(KEYWORD) });

  it('signs each request anew, so a warm instance still posts hours later', async () => {
    // Prepare
    const [part] = markdownParts('## 今日概况\n\n一切正常。', []);
    // Act
    await client.send(signed(), part!);
    clock += 2 * 3_600_000;
    await client.send(signed(), part!);
    // Assess
    expect(robot.answers).toEqual([0, 0]);
    expect(robot.accepted.map((message) => message.body.markdown?.title)).toEqual(['今日概况', '今日概况']);
  });

  it('reports a wrong secret as a security rejection that retrying cannot fix', async () => {
    // Act
    const error = await client.send({ ...signed(), secret: `SEC${'0'.repeat(60)}` }, textMessage('hi', [])).catch((thrown: unknown) => thrown);
    // Assess
    expect(error).toBeInstanceOf(RobotRejectedError);
    expect(error).toMatchObject({ errcode: '310000', reason: 'security', retryable: false });
    expect((error as Error).message).not.toContain(SIGNED);
  });

  it('gives a keyword robot a keyword when the answer lacks one, and leaves an answer that has one as it is', async () => {
    // Prepare
    const [lacking] = markdownParts('服务器 CPU 使用率正常。', ['日报', '告警']);
    const [having] = markdownParts('告警：磁盘快满了。', ['日报', '告警']);
    // Act
    await client.send(keyword(), lacking!);
    await client.send(keyword(), having!);
    await client.send(keyword(), textMessage('plain', ['日报']));
    // Assess
    expect(robot.answers).toEqual([0, 0, 0]);
    expect(robot.accepted[0]?.body.markdown?.text).toBe('**日报**\n\n服务器 CPU 使用率正常。');
    expect(robot.accepted[1]?.body.markdown?.text).toBe('告警：磁盘快满了。');
    expect(robot.accepted[2]?.body.text?.content).toBe('【日报】plain');
  });

  it('would be refused by a keyword robot without that step', async () => {
    // Act
    const error = await client.send(keyword(), { msgtype: 'text', text: 'no keyword here' }).catch((thrown: unknown) => thrown);
    // Assess
    expect(error).toMatchObject({ errcode: '310000', reason: 'security' });
  });

  it('maps an unknown access token to a token rejection', async () => {
    // Act
    const error = await client.send({ name: 'gone', webhook: robot.webhookOf('nosuchtoken123') }, textMessage('hi', [])).catch((thrown: unknown) => thrown);
    // Assess
    expect(error).toMatchObject({ code: 'ROBOT_REJECTED', errcode: '300001', reason: 'token', retryable: false });
  });

  it('maps 130101 to a rate-limit rejection that is not retryable (the block outlasts FC’s retries)', async () => {
    // Prepare
    robot.failNext({ errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' });
    // Act
    const error = await client.send(signed(), textMessage('hi', [])).catch((thrown: unknown) => thrown);
    // Assess
    expect(error).toMatchObject({ errcode: '130101', reason: 'rate-limited', retryable: false });
  });

  it('refuses a body over 20,000 bytes before sending it', async () => {
    // Act
    const error = await client.send(signed(), { msgtype: 'text', text: '字'.repeat(7000) }).catch((thrown: unknown) => thrown);
    // Assess
    expect(error).toMatchObject({ reason: 'too-large', errcode: 'local.tooLarge' });
    expect(robot.answers).toEqual([]);
  });

  it('says when no answer came after the request was written, without naming the URL', async () => {
    // Prepare
    robot.failNext('handled-then-hangup');
    // Act
    const error = await client.send(signed(), textMessage('hi', [])).catch((thrown: unknown) => thrown);
    // Assess
    expect(error).toBeInstanceOf(DingTalkApiError);
    expect(error).toMatchObject({ connection: 'lost-after-sending' });
    expect((error as Error).message).not.toMatch(/access_token|sign=|5ecre7/);
  });

  it('splits a long answer into parts whose bodies all fit 20,000 bytes, each with a keyword', () => {
    // Prepare: escapes (quotes, backslashes, newlines) make the JSON body about twice as long as the text
    const answer = Array.from({ length: 600 }, (_, index) => `第 ${index} 段 "引用" \\ "内容"\n\n`).join('');
    // Act: with parts as long as the body limit, only the second cut makes them fit
    const parts = markdownParts(answer, ['日报'], { maxChars: 19_000, maxBytes: 19_000 });
    // Assess
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.map((part) => (part.msgtype === 'markdown' ? part.text.replace('**日报**\n\n', '') : '')).join('\n\n')).toBe(answer.trim());
    for (const part of parts) {
      expect(Buffer.byteLength(robotBody(part))).toBeLessThanOrEqual(ROBOT_BODY_MAX_BYTES);
      expect(part.msgtype === 'markdown' && part.text.includes('日报')).toBe(true);
    }
  });
});
