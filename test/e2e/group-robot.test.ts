import { WORKER_FUNCTION } from '../../local/stack';
import { createFcInvoker } from '../../shared/fc/fc-invoker';
import type { FakeGroupRobot } from '../helpers/fake-group-robot';
import { startE2eStack, type E2eStack, type E2eStackOptions } from './e2e-stack';

/**
 * The group-robot channel end to end: the built bundles on the local stack, a push through the callback's POST /push
 * or a job through the timer event FC would send, answered by the fake model and posted to a fake DingTalk custom
 * group robot that checks 加签 and keywords and counts 20 messages a minute (test/helpers/fake-group-robot.ts).
 */
const SECRET = `SEC${'e2e0'.repeat(10)}`;
const OPS = 'opsaccesstoken0123456789';
const TEAM = 'teamaccesstoken012345678';
const PUSH_TOKEN = 'e2e-push-token-0123456789abcdef';
const CONFIG_KEY = 'config/channels.json';

const groupRobot: NonNullable<E2eStackOptions['groupRobot']> = {
  robots: { [OPS]: { secret: SECRET }, [TEAM]: { keywords: ['日报'] } },
  config: (robot: FakeGroupRobot) => ({
    robots: { ops: { webhook: robot.webhookOf(OPS), secret: SECRET }, team: { webhook: robot.webhookOf(TEAM), keywords: ['日报'] } },
    jobs: { digest: { robot: 'team', prompt: '总结今天的工作' }, ping: { robot: 'ops', prompt: '说一声早安' } },
  }),
};

const start = (options: E2eStackOptions = {}) => startE2eStack({ env: { PUSH_TOKEN }, groupRobot, ...options });

function push(e2e: E2eStack, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${PUSH_TOKEN}` }): Promise<Response> {
  return fetch(`${e2e.stack.url}/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** What `npm run job -- <name>` does: the local stack queues FC's timer event for the worker. */
function runJob(e2e: E2eStack, job: string, triggerTime = '2026-01-05T01:30:00Z'): Promise<Response> {
  return fetch(`${e2e.stack.url}/_local/timer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ job, triggerTime }) });
}

const robotOf = (e2e: E2eStack): FakeGroupRobot => {
  if (!e2e.robot) throw new Error('the stack has no fake group robot');
  return e2e.robot;
};
const postedTexts = (e2e: E2eStack, token?: string): string[] =>
  robotOf(e2e).accepted.filter((message) => token === undefined || message.token === token).map((message) => message.body.markdown?.text ?? message.body.text?.content ?? '');
const ossWrites = (e2e: E2eStack) => e2e.stack.oss.requests.filter((request) => ['PutObject', 'AppendObject', 'DeleteObject'].includes(request.operation) && request.key !== CONFIG_KEY);

describe('end to end: POST /push', () => {
  let e2e: E2eStack;
  beforeEach(async () => {
    e2e = await start();
  });
  afterEach(async () => e2e.close());

  it("answers a push into the named robot's group, signed with its secret, after a 202", async () => {
    // Act
    const response = await push(e2e, { robot: 'ops', prompt: '构建 4711 失败了，可能是什么原因？', id: 'build-4711' });
    await e2e.drain();
    // Assess
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ id: 'build-4711' });
    expect(robotOf(e2e).answers).toEqual([0]);
    expect(postedTexts(e2e, OPS)).toEqual([expect.stringContaining('回答：')]);
    expect(postedTexts(e2e)[0]).toContain('构建 4711 失败了');
    expect(e2e.openai.requests).toHaveLength(1);
  });

  it('gives a keyword robot its keyword, so that DingTalk accepts the answer', async () => {
    // Act
    const response = await push(e2e, { robot: 'team', prompt: '今天谁值班？' });
    await e2e.drain();
    // Assess
    expect(response.status).toBe(202);
    expect(robotOf(e2e).answers).toEqual([0]);
    expect(postedTexts(e2e, TEAM)).toEqual([expect.stringContaining('日报')]);
  });

  it('answers the same push id once, however often the caller sends it', async () => {
    // Act
    const first = await push(e2e, { robot: 'ops', prompt: '部署完成了吗？', id: 'deploy-9' });
    const again = await push(e2e, { robot: 'ops', prompt: '部署完成了吗？', id: 'deploy-9' });
    await e2e.drain();
    // Assess
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ id: 'deploy-9', duplicate: true });
    expect(postedTexts(e2e)).toHaveLength(1);
    expect(e2e.openai.requests).toHaveLength(1);
  });

  it.each([
    ['no token', 401, { robot: 'ops', prompt: '你好' }, {}],
    ['a wrong token', 401, { robot: 'ops', prompt: '你好' }, { authorization: 'Bearer not-the-push-token-at-all' }],
    ['malformed JSON', 400, '{"robot": "ops", ', undefined],
    ['an oversized body', 413, { robot: 'ops', prompt: '长'.repeat(40_000) }, undefined],
    ['an unknown robot', 400, { robot: 'nobody', prompt: '你好' }, undefined],
  ])('refuses %s with %i, handing nothing over and writing nothing', async (_name, status, body, headers) => {
    // Act
    const response = await push(e2e, body, headers);
    await e2e.drain();
    // Assess
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(e2e.stack.asyncAccepted()).toBe(0);
    expect(ossWrites(e2e)).toEqual([]);
    expect(robotOf(e2e).answers).toEqual([]);
    expect(e2e.openai.requests).toHaveLength(0);
  });

  it('is off (404) when PUSH_TOKEN is not set, whatever the request shows', async () => {
    // Prepare
    await e2e.close();
    e2e = await startE2eStack({ groupRobot });
    // Act
    const response = await push(e2e, { robot: 'ops', prompt: '你好' });
    await e2e.drain();
    // Assess
    expect(response.status).toBe(404);
    expect(e2e.stack.asyncAccepted()).toBe(0);
    expect(ossWrites(e2e)).toEqual([]);
    expect(robotOf(e2e).answers).toEqual([]);
  });

  it('costs a warm push five OSS requests, all in the worker: claim, history tail, send window read and slot, record', async () => {
    // Prepare: a first push warms one callback and one worker instance, which then hold the channels config
    await push(e2e, { robot: 'ops', prompt: '第一条' });
    await e2e.drain();
    const before = e2e.stack.oss.requests.length;
    // Act
    await push(e2e, { robot: 'ops', prompt: '第二条' });
    await e2e.drain();
    // Assess: the window of the day before is read too in the ten minutes after midnight UTC, so it is left out
    const today = new Date().toISOString().slice(0, 10);
    const warm = e2e.stack.oss.requests.slice(before).filter((request) => !request.key.startsWith('dingtalk-llm/robot-sends/') || request.key.includes(today));
    const kinds = warm.map((request) => `${request.operation} ${request.key.split('/').slice(0, 2).join('/')}`);
    expect(kinds.sort()).toEqual(
      ['AppendObject dingtalk-llm/messages', 'GetObject dingtalk-llm/history', 'GetObject dingtalk-llm/robot-sends', 'AppendObject dingtalk-llm/robot-sends', 'AppendObject dingtalk-llm/history'].sort(),
    );
    expect(postedTexts(e2e)).toHaveLength(2);
  });

  it('does not retry, and sends nothing more to, a robot DingTalk has blocked (130101), for any push', async () => {
    // Prepare
    robotOf(e2e).failNext({ errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' });
    // Act
    await push(e2e, { robot: 'ops', prompt: '第一条' });
    await e2e.drain();
    await push(e2e, { robot: 'ops', prompt: '第二条' });
    await e2e.drain();
    // Assess: one request reached the robot; neither run was retried by FC
    expect(robotOf(e2e).answers).toEqual([130101]);
    expect(e2e.workerResults.map((entry) => entry.result.ok)).toEqual([true, true]);
    const log = e2e.output.join('');
    expect(log).toContain('reply cannot be delivered; a retry would not help');
    expect(log).toContain('group robot is blocked; not sending');
  });

  it("keeps a robot within DingTalk's 20 messages a minute across concurrent pushes; the rest fail clearly instead of getting it blocked", async () => {
    // Act
    const responses = await Promise.all(Array.from({ length: 25 }, (_, index) => push(e2e, { robot: 'ops', prompt: `并发推送 ${index}`, id: `burst-${index}` })));
    await e2e.drain();
    // Assess
    expect(responses.map((response) => response.status)).toEqual(Array.from({ length: 25 }, () => 202));
    expect(robotOf(e2e).accepted).toHaveLength(20);
    expect(robotOf(e2e).answers.filter((errcode) => errcode !== 0)).toEqual([]);
    const refusals = e2e.output.join('').split('\n').filter((line) => line.includes('group robot send limit reached before the deadline'));
    const runsRefused = new Set(refusals.map((line) => /"msgId":"([^"]+)"/.exec(line)?.[1]));
    expect(runsRefused.size).toBe(5);
    expect(refusals.every((line) => line.includes('"robot":"ops"') && line.includes('"sends_in_window":20'))).toBe(true);
  });
});

describe('end to end: scheduled jobs (FC timer events)', () => {
  let e2e: E2eStack;
  afterEach(async () => e2e.close());

  it("runs a job as FC's timer does: one post of the answer to the job's prompt into its robot's group", async () => {
    // Prepare
    e2e = await start();
    // Act
    const response = await runJob(e2e, 'digest');
    await e2e.drain();
    // Assess
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ robot: 'team', triggerTime: '2026-01-05T01:30:00Z' });
    expect(postedTexts(e2e, TEAM)).toEqual([expect.stringContaining('总结今天的工作')]);
    expect(postedTexts(e2e)[0]).toContain('日报');
    expect(e2e.workerResults.map((entry) => entry.result.ok)).toEqual([true]);
  });

  it.each(['afterwards', 'concurrently'] as const)('posts once when FC runs the same timer event again (%s)', async (when) => {
    // Prepare
    e2e = await start({ redeliver: (body) => (body.toString().includes('"triggerTime"') ? when : undefined) });
    // Act
    await runJob(e2e, 'ping');
    await e2e.drain();
    // Assess
    expect(e2e.workerResults).toHaveLength(2);
    expect(postedTexts(e2e, OPS)).toHaveLength(1);
    expect(e2e.openai.requests).toHaveLength(1);
  });

  it('posts once when the first attempt cannot post and FC retries it, without asking the model again', async () => {
    // Prepare
    e2e = await start();
    robotOf(e2e).failNext({ status: 502 });
    // Act
    await runJob(e2e, 'ping');
    await e2e.drain();
    // Assess
    expect(e2e.workerResults.map((entry) => entry.result.ok)).toEqual([false, true]);
    expect(robotOf(e2e).answers).toEqual([502, 0]);
    expect(postedTexts(e2e, OPS)).toHaveLength(1);
    expect(e2e.openai.requests).toHaveLength(1);
  });

  it("does not post again when the robot's answer is lost after it posted", async () => {
    // Prepare
    e2e = await start();
    robotOf(e2e).failNext('handled-then-hangup');
    // Act
    await runJob(e2e, 'ping');
    await e2e.drain();
    // Assess
    expect(robotOf(e2e).accepted).toHaveLength(1);
    expect(robotOf(e2e).answers).toEqual(['hangup']);
    expect(e2e.workerResults.map((entry) => entry.result.ok)).toEqual([true]);
  });

  it('runs each trigger time of a job once: a later trigger time is a new run', async () => {
    // Prepare
    e2e = await start();
    // Act
    await runJob(e2e, 'ping', '2026-01-05T01:30:00Z');
    await e2e.drain();
    await runJob(e2e, 'ping', '2026-01-05T01:30:00Z');
    await e2e.drain();
    await runJob(e2e, 'ping', '2026-01-06T01:30:00Z');
    await e2e.drain();
    // Assess
    expect(postedTexts(e2e, OPS)).toHaveLength(2);
    expect(e2e.openai.requests).toHaveLength(2);
  });

  it('drops, without retrying, a timer event whose job the config lacks, and says which job', async () => {
    // Prepare: a trigger left in s.yaml after its job was removed from the config
    e2e = await start();
    const invoker = createFcInvoker({ endpoint: e2e.stack.url, functionName: WORKER_FUNCTION, credentials: e2e.stack.credentials, timeoutMs: 5000 });
    const event = { triggerTime: '2026-01-05T01:30:00Z', triggerName: 'gone-trigger', payload: '{"job":"gone"}' };
    // Act
    await invoker.invokeAsync(JSON.stringify(event));
    await e2e.drain();
    // Assess
    expect(e2e.workerResults.map((entry) => entry.result)).toEqual([expect.objectContaining({ ok: true, value: 'refused' })]);
    const refused = e2e.output.join('').split('\n').filter((line) => line.includes('"message":"worker event refused"'));
    expect(refused).toEqual([expect.stringContaining('"code":"JOB_UNKNOWN"')]);
    expect(refused[0]).toContain('no job named \\"gone\\"');
    expect(robotOf(e2e).answers).toEqual([]);
  });

  it('refuses, for npm run job, a job the config lacks, naming the jobs it has', async () => {
    // Prepare
    e2e = await start();
    // Act
    const response = await runJob(e2e, 'gone');
    await e2e.drain();
    // Assess
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ jobs: ['digest', 'ping'] });
    expect(e2e.stack.asyncAccepted()).toBe(0);
  });
});
