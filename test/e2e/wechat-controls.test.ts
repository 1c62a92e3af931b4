import { startWechatE2e, type WechatE2e } from './wechat-stack';

/** The controls file's `wechat` section: the Official Account's own lists, limits and words (docs/controls.md §5). */
describe('end to end: company controls on the WeChat Official Account', () => {
  let wx: WechatE2e;
  beforeAll(async () => {
    wx = await startWechatE2e({
      controls: { robots: { wechat: { access: { denyUsers: ['oUser-denied'] }, limits: { user: { messagesPerMinute: 1 } }, sensitiveWords: { words: ['机密项目'] } } } },
    });
  });
  afterAll(async () => wx.close());

  it('refuses a deny-listed openid politely, over a limit names it, and a sensitive question never reaches the model', async () => {
    // Act
    const denied = await wx.platform().send('oUser-denied', { type: 'text', content: '你好' });
    await wx.e2e.drain();
    const first = await wx.platform().send('oUser-limited', { type: 'text', content: '第一个问题' });
    await wx.e2e.drain();
    const second = await wx.platform().send('oUser-limited', { type: 'text', content: '第二个问题' });
    await wx.e2e.drain();
    const sensitive = await wx.platform().send('oUser-other', { type: 'text', content: '机 密 项 目 怎么样' });
    await wx.e2e.drain();
    // Assess
    expect(denied.seen).toContain('没有使用这个机器人的权限');
    expect(first.seen).toMatch(/^回答：第一个问题/);
    expect(second.seen).toContain('每分钟 1 条');
    expect(sensitive.seen).toContain('包含不允许的内容');
    expect(wx.e2e.openai.requests).toHaveLength(1);
  });
});
