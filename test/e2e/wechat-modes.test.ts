import { buildTextCallback, signedHeaders } from '../../local/dingtalk-callback';
import { STAND_IN_APP_KEY, STAND_IN_APP_SECRET } from '../../local/dingtalk/dingtalk-stand-in';
import { WECHAT } from '../helpers/wechat-rig';
import { startWechatE2e, WECHAT_PREFIX, type WechatE2e } from './wechat-stack';

/** Safe mode, customer-service mode, what a malformed setting tells a WeChat user, and the OSS requests of a turn. */
describe('end to end: WeChat modes', () => {
  let wx: WechatE2e | undefined;
  afterEach(async () => {
    await wx?.close();
    wx = undefined;
  });

  /** OSS requests made while `act` ran, by what they touched. */
  const ossRequestsDuring = async (stack: WechatE2e, act: () => Promise<unknown>) => {
    const before = stack.e2e.stack.oss.requests.length;
    await act();
    await stack.e2e.drain();
    const made = stack.e2e.stack.oss.requests.slice(before);
    const count = (prefix: string) => made.filter((request) => request.key.startsWith(prefix)).length;
    return { total: made.length, userLog: count(`${WECHAT_PREFIX}users/`), answers: count(`${WECHAT_PREFIX}answers/`), worker: made.length - count(`${WECHAT_PREFIX}`) };
  };

  it('answers in safe mode, the message and the reply both encrypted', async () => {
    // Prepare
    wx = await startWechatE2e({ safeMode: true });
    // Act: the platform seals the message and accepts only a reply sealed for the account and signed with the token
    const delivery = await wx.platform().send(WECHAT.user, { type: 'text', content: '加密的你好' });
    // Assess
    expect(delivery.rejected).toBeUndefined();
    expect(delivery.seen).toBe('回答：加密的你好（共 2 条消息）');
  });

  it('answers success at once in customer-service mode and sends the answer through custom/send', async () => {
    // Prepare
    wx = await startWechatE2e({ customerService: true });
    // Act
    const delivery = await wx.platform().send(WECHAT.user, { type: 'text', content: '客服你好' });
    await wx.e2e.drain();
    // Assess
    expect(delivery).toEqual({ seen: undefined, attempts: [200] });
    expect(wx.api.sent).toEqual([{ touser: WECHAT.user, content: '回答：客服你好（共 2 条消息）' }]);
    expect(wx.api.tokenCalls).toBe(1);
  });

  it('tells the WeChat user which callback setting is malformed, and hands nothing over', async () => {
    // Prepare
    wx = await startWechatE2e({ env: { WECHAT_CUSTOMER_SERVICE: 'perhaps' } });
    // Act
    const delivery = await wx.platform().send(WECHAT.user, { type: 'text', content: '你好' });
    // Assess
    expect(delivery.seen).toContain('设置项 WECHAT_CUSTOMER_SERVICE');
    expect(delivery.seen).not.toContain('perhaps');
    expect(wx.e2e.stack.asyncAccepted()).toBe(0);
    expect(wx.e2e.output.join('')).toContain('"variable":"WECHAT_CUSTOMER_SERVICE"');
  });

  it('tells the WeChat user which worker setting is malformed, through the passive answer store', async () => {
    // Prepare: only the worker reads WECHAT_API_BASE
    wx = await startWechatE2e({ env: { WECHAT_API_BASE: 'not a url' } });
    // Act
    const delivery = await wx.platform().send(WECHAT.user, { type: 'text', content: '你好' });
    await wx.e2e.drain();
    // Assess
    expect(delivery.seen).toContain('设置项 WECHAT_API_BASE');
    expect(wx.e2e.openai.requests).toHaveLength(0);
  });

  it('counts the OSS requests of one warm turn: passive, customer service, and DingTalk for comparison', async () => {
    // Prepare
    wx = await startWechatE2e();
    const passive = wx;
    await passive.platform().send('oUser-warm', { type: 'text', content: '预热' });
    await passive.e2e.drain();
    // Act
    const passiveTurn = await ossRequestsDuring(passive, () => passive.platform().send(WECHAT.user, { type: 'text', content: '数一数' }));
    const dingtalkTurn = await ossRequestsDuring(passive, async () => {
      const body = buildTextCallback({ text: '数一数', sessionWebhook: passive.e2e.dingtalk.webhookUrl('s-1'), robotCode: STAND_IN_APP_KEY, now: Date.now() });
      await fetch(`${passive.e2e.stack.url}/`, { method: 'POST', headers: signedHeaders(STAND_IN_APP_SECRET), body: JSON.stringify(body) });
    });
    await passive.close();
    wx = await startWechatE2e({ customerService: true });
    const service = wx;
    await service.platform().send('oUser-warm', { type: 'text', content: '预热' });
    await service.e2e.drain();
    const serviceTurn = await ossRequestsDuring(service, () => service.platform().send(WECHAT.user, { type: 'text', content: '数一数' }));
    // Assess: customer service touches no answer store; passive mode adds the callback's user log and answer polls
    // to the same worker requests; the figures are reported, not pinned (polls depend on timing)
    expect(serviceTurn.answers + serviceTurn.userLog).toBe(0);
    expect(passiveTurn.userLog).toBeGreaterThan(0);
    expect(passiveTurn.answers).toBeGreaterThan(0);
    process.stdout.write(`OSS requests per warm turn: ${JSON.stringify({ wechatPassive: passiveTurn, wechatCustomerService: serviceTurn, dingtalk: dingtalkTurn })}\n`);
  });
});
