import { STILL_GENERATING } from '../../shared/channels/wechat/user-texts';
import { RESET_DONE } from '../../shared/turn/user-messages';
import { startWechatE2e, waitFor, WAIT_MS, type WechatE2e } from './wechat-stack';

/**
 * An unverified account on the local stack: every answer travels back inside WeChat's own requests (docs/wechat.md
 * §5, §6), whichever of them it is ready for, and a slow one is fetched with 继续.
 */
describe('end to end: WeChat passive replies', () => {
  let wx: WechatE2e;
  beforeEach(async () => {
    wx = await startWechatE2e();
  });
  afterEach(async () => wx.close());

  const user = 'oUser-A';
  /** A first message starts the worker instance, so the next one measures a warm turn. */
  const warmUp = async () => {
    await wx.platform().send('oUser-warm', { type: 'text', content: '预热' });
    await wx.e2e.drain();
  };

  it('answers a fast model within WeChat\'s first request', async () => {
    // Prepare
    await warmUp();
    // Act
    const delivery = await wx.platform().send(user, { type: 'text', content: '你好' });
    // Assess
    expect(delivery).toEqual({ seen: '回答：你好（共 2 条消息）', attempts: [200] });
  });

  it('answers a slower model in WeChat\'s second request, after the first was dropped', async () => {
    // Prepare: the model answers after WeChat gave up on the first request but before the second gives up
    await warmUp();
    wx.e2e.openai.enqueue({ text: '慢一点的回答', delayMs: Math.round(WAIT_MS * 1.4) });
    // Act
    const delivery = await wx.platform().send(user, { type: 'text', content: '慢问题' });
    // Assess
    expect(delivery).toEqual({ seen: '慢一点的回答', attempts: ['dropped', 200] });
    expect(wx.e2e.openai.requests).toHaveLength(2);
  });

  it('tells the user to send 继续 when the answer is later than all three requests, then serves it in parts', async () => {
    // Prepare: a long answer, ready only after WeChat's third request was answered
    const sentences = Array.from({ length: 300 }, (_, index) => `这是第${index + 1}句话。`).join('');
    wx.e2e.openai.enqueue({ text: sentences, delayMs: WAIT_MS * 4 });
    const platform = wx.platform();
    // Act
    const first = await platform.send(user, { type: 'text', content: '写一篇长文' });
    await wx.e2e.drain();
    const parts: string[] = [];
    // Each part but the last ends with the hint naming the next one.
    const hint = /\n\n（第 \d+\/\d+ 段，发送“继续”查看下一段）$/;
    do parts.push((await platform.send(user, { type: 'text', content: '继续' })).seen ?? '');
    while (hint.test(parts.at(-1) ?? '') && parts.length < 10);
    const afterLast = await platform.send(user, { type: 'text', content: '继续' });
    // Assess
    expect(first).toEqual({ seen: STILL_GENERATING, attempts: ['dropped', 'dropped', 200] });
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(Buffer.byteLength(part, 'utf8')).toBeLessThanOrEqual(2000);
    expect(parts.map((part) => part.replace(hint, '')).join('')).toBe(sentences);
    // Once every part is out, 继续 is an ordinary message again: the model's second request is that one.
    expect(afterLast.seen).toBe('回答：继续（共 4 条消息）');
    expect(wx.e2e.openai.requests).toHaveLength(2);
  });

  it('keeps each openid\'s history apart and treats 新对话 and /help as DingTalk does', async () => {
    // Prepare
    await warmUp();
    const platform = wx.platform();
    // Act
    const a1 = await platform.send('oUser-A', { type: 'text', content: '我是 A' });
    const a2 = await platform.send('oUser-A', { type: 'text', content: 'A 的第二句' });
    const b1 = await platform.send('oUser-B', { type: 'text', content: '我是 B' });
    const reset = await platform.send('oUser-A', { type: 'text', content: '新对话' });
    const a3 = await platform.send('oUser-A', { type: 'text', content: '重新开始' });
    const help = await platform.send('oUser-B', { type: 'text', content: '/help' });
    await wx.e2e.drain();
    // Assess
    expect([a1.seen, a2.seen, b1.seen, a3.seen]).toEqual([
      '回答：我是 A（共 2 条消息）', '回答：A 的第二句（共 4 条消息）', '回答：我是 B（共 2 条消息）', '回答：重新开始（共 2 条消息）',
    ]);
    expect(reset.seen).toBe(RESET_DONE);
    // WeChat shows no markdown: the help text comes without its heading marks.
    expect(help.seen).toContain('使用说明');
    expect(help.seen).not.toContain('###');
    expect(wx.e2e.openai.requests).toHaveLength(5);
  });

  it('answers one MsgId once: a message WeChat sends again gets the same reply and the model is not asked again', async () => {
    // Prepare
    await warmUp();
    const platform = wx.platform();
    // Act
    const first = await platform.send(user, { type: 'text', content: '只答一次', msgId: '7250021412600020999' });
    const again = await platform.send(user, { type: 'text', content: '只答一次', msgId: '7250021412600020999' });
    await wx.e2e.drain();
    // Assess
    expect(again.seen).toBe(first.seen);
    expect(wx.e2e.openai.requests).toHaveLength(2);
    expect(wx.e2e.stack.asyncAccepted()).toBe(2);
  });

  it('answers once after the worker crashes mid-turn: FC\'s retry asks the model again and its answer is what WeChat gets', async () => {
    // Prepare: the first model call never answers; the worker instance dies while waiting for it
    wx.e2e.openai.enqueue({ hangMs: 30_000 });
    const platform = wx.platform();
    // Act
    const sending = platform.send(user, { type: 'text', content: '崩溃后重试' });
    await waitFor(() => wx.e2e.openai.requests.length === 1);
    expect(await wx.e2e.stack.crashWorker()).toBe(1);
    const delivery = await sending;
    await wx.e2e.drain();
    const fetched = delivery.seen === STILL_GENERATING ? await platform.send(user, { type: 'text', content: '继续' }) : delivery;
    // Assess: WeChat's three requests handed the message over once; the model was asked by the crashed attempt and the retry
    expect(wx.e2e.stack.asyncAccepted()).toBe(1);
    expect(wx.e2e.workerResults.map((entry) => (entry.result.ok ? 'ok' : entry.result.kind))).toEqual(['crash', 'ok']);
    expect(wx.e2e.openai.requests).toHaveLength(2);
    expect(fetched.seen).toBe('回答：崩溃后重试（共 2 条消息）');
  });
});
