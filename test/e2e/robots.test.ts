import { startE2eStack, type E2eRobot, type E2eStack } from './e2e-stack';
import { STAND_IN_APP_SECRET } from '../../local/dingtalk/dingtalk-stand-in';

/** Several DingTalk robots in one deployment (docs/controls.md §7), through the built bundles and the local stack. */
const SALES: E2eRobot = { path: '/dingtalk/sales', appKey: 'dingsalesappkey', appSecret: 'sales-secret-0123456789abcdef' };
const HR: E2eRobot = { path: '/hr', appKey: 'dinghrappkey', appSecret: 'hr-secret-0123456789abcdefgh' };
const CONTROLS = {
  defaults: { access: { admins: ['boss'] } },
  robots: {
    sales: { appKey: SALES.appKey, appSecretVariable: 'SALES_APP_SECRET', persona: '你是销售部的助手。' },
    hr: { path: HR.path, appKey: HR.appKey, appSecretVariable: 'HR_APP_SECRET' },
  },
};

const systemPromptOf = (body: unknown): unknown => (body as { messages?: Array<{ content?: unknown }> }).messages?.[0]?.content;

describe('end to end: several DingTalk robots', () => {
  let e2e: E2eStack | undefined;
  afterEach(async () => e2e?.close());

  it('answers each robot on its own path with its own persona, and keeps their conversations apart', async () => {
    // Prepare
    e2e = await startE2eStack({ controls: CONTROLS, env: { SALES_APP_SECRET: SALES.appSecret, HR_APP_SECRET: HR.appSecret } });
    // Act: one person tells the env robot a name, then asks the sales robot
    expect((await e2e.send({ text: '我叫小明' })).status).toBe(200);
    await e2e.drain();
    expect((await e2e.send({ text: '我叫什么？', robot: SALES })).status).toBe(200);
    await e2e.drain();
    // Assess: the sales robot's prompt held its persona and its own (empty) history only
    expect(e2e.dingtalk.messages.map((message) => message.text)).toEqual(['回答：我叫小明（共 2 条消息）', '回答：我叫什么？（共 2 条消息）']);
    const [first, second] = e2e.openai.requests.map((request) => request.body);
    expect(systemPromptOf(second)).toBe('你是销售部的助手。');
    expect(systemPromptOf(first)).not.toBe('你是销售部的助手。');
    expect(JSON.stringify(second)).not.toContain('小明');
    expect((await e2e.history()).filter((record) => record.t === 'turn').map((turn) => turn.user)).toEqual(['我叫小明']);
    expect((await e2e.history('local-user', false, 'sales')).filter((record) => record.t === 'turn').map((turn) => turn.user)).toEqual(['我叫什么？']);
  });

  it('refuses a callback to one robot signed with another robot’s secret, and starts no work', async () => {
    // Prepare
    e2e = await startE2eStack({ controls: CONTROLS, env: { SALES_APP_SECRET: SALES.appSecret, HR_APP_SECRET: HR.appSecret } });
    // Act
    const forged = await e2e.send({ text: '你好', robot: SALES, signWith: STAND_IN_APP_SECRET });
    const own = await e2e.send({ text: '你好', robot: HR });
    await e2e.drain();
    // Assess: a signature that does not verify is 401 (shared/fc/http-response.ts), as on `/`
    expect(forged.status).toBe(401);
    expect(own.status).toBe(200);
    expect(e2e.workerResults).toHaveLength(1);
    expect(e2e.openai.requests).toHaveLength(1);
  });

  it('refuses only the path of a robot whose secret variable is unset, names the variable at start, and serves the others', async () => {
    // Prepare: HR_APP_SECRET is not set
    e2e = await startE2eStack({ controls: CONTROLS, env: { SALES_APP_SECRET: SALES.appSecret } });
    // Act
    const hr = await e2e.send({ text: '你好', robot: HR });
    const sales = await e2e.send({ text: '你好', robot: SALES });
    const main = await e2e.send({ text: '你好' });
    await e2e.drain();
    // Assess
    expect(hr.status).toBe(503);
    expect([sales.status, main.status]).toEqual([200, 200]);
    expect(e2e.dingtalk.messages).toHaveLength(2);
    const logged = e2e.output.join('').split('\n').filter((line) => line.includes('HR_APP_SECRET'));
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.every((line) => line.includes('"level":"error"'))).toBe(true);
  });

  it('tells the user which field of a malformed controls file to fix, and starts no work', async () => {
    // Prepare
    e2e = await startE2eStack({ controls: { robots: { sales: { appKey: SALES.appKey } } } });
    // Act
    const response = await e2e.send({ text: '你好' });
    await e2e.drain();
    // Assess
    expect(response.status).toBe(200);
    expect(e2e.dingtalk.messages.map((message) => message.text)).toEqual([
      expect.stringMatching(/控制文件 controls\.json 中的 robots\.sales\.appSecretVariable 必须设置.*请修改 controls\.json 后重启 npm start/),
    ]);
    expect(e2e.workerResults).toEqual([]);
  });
});
