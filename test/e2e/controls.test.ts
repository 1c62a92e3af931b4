import { STAND_IN_CARD_CONTENT_KEY, STAND_IN_CARD_TEMPLATE_ID } from '../../local/dingtalk/dingtalk-stand-in';
import { startE2eStack, type E2eStack } from './e2e-stack';

/** The company controls of docs/controls.md, through the built bundles, the local FC instances and the OSS stand-in. */
const ok = (response: Response): void => expect(response.status).toBe(200);
const texts = (e2e: E2eStack): string[] => e2e.dingtalk.messages.map((message) => message.text);
const CARD_ENV = {
  DINGTALK_CARD_TEMPLATE_ID: STAND_IN_CARD_TEMPLATE_ID,
  DINGTALK_CARD_CONTENT_KEY: STAND_IN_CARD_CONTENT_KEY,
  CARD_UPDATE_INTERVAL_MS: '200',
  CARD_UPDATE_MIN_CHARS: '1',
};

describe('end to end: company controls', () => {
  let e2e: E2eStack | undefined;
  afterEach(async () => e2e?.close());

  it('refuses a deny-listed group, a blocked user (told once) and a non-admin’s /admin, and never asks the model for them', async () => {
    // Prepare
    e2e = await startE2eStack({ controls: { defaults: { access: { admins: ['boss'], denyGroups: ['cidLocalGroup=='] } } } });
    // Act
    ok(await e2e.send({ text: '你好', group: true, user: 'staff-1' }));
    await e2e.drain();
    ok(await e2e.send({ text: '/admin block staff-2', user: 'staff-1' }));
    await e2e.drain();
    ok(await e2e.send({ text: '/admin block staff-2', user: 'boss' }));
    await e2e.drain();
    ok(await e2e.send({ text: '你好', user: 'staff-2' }));
    await e2e.drain();
    ok(await e2e.send({ text: '还在吗', user: 'staff-2' }));
    await e2e.drain();
    // Assess
    const [group, notAdmin, blocked, refused, ...rest] = texts(e2e);
    expect(group).toContain('不在本群提供服务');
    expect(notAdmin).toContain('没有「/admin」这个命令');
    expect(blocked).toContain('staff-2');
    expect(refused).toContain('已被管理员暂停');
    expect(rest).toEqual([]);
    expect(e2e.openai.requests).toHaveLength(0);
  });

  it('answers exactly 10 of 20 concurrent messages against a limit of 10 a minute, and refuses the other 10 politely', async () => {
    // Prepare
    e2e = await startE2eStack({ controls: { defaults: { limits: { user: { messagesPerMinute: 10 } } } } });
    // Act
    const responses = await Promise.all(Array.from({ length: 20 }, (_, n) => e2e!.send({ text: `问题 ${n}`, msgId: `msg-burst-${n}` })));
    await e2e.drain();
    // Assess
    for (const response of responses) ok(response);
    const answers = texts(e2e).filter((text) => text.startsWith('回答：'));
    const refusals = texts(e2e).filter((text) => text.includes('每分钟 10 条'));
    expect([answers.length, refusals.length, texts(e2e).length]).toEqual([10, 10, 20]);
    expect(refusals.every((text) => /（北京时间）后再试/.test(text))).toBe(true);
    expect(e2e.openai.requests).toHaveLength(10);
  });

  it('applies an admin’s quota change on the other instances at their next message', async () => {
    // Prepare: two slow answers at once keep two worker instances busy, so both hold a view of the ledger
    e2e = await startE2eStack({ controls: { defaults: { access: { admins: ['boss'] } } } });
    e2e.openai.enqueue({ text: '慢的回答一', delayMs: 600 }, { text: '慢的回答二', delayMs: 600 });
    await Promise.all([e2e.send({ text: '一', user: 'staff-3', msgId: 'm-slow-1' }), e2e.send({ text: '二', user: 'staff-3', msgId: 'm-slow-2' })]);
    await e2e.drain();
    // Act: the admin lowers the limit on one instance; two messages at once run on two instances
    ok(await e2e.send({ text: '/admin quota user staff-3 rate=2', user: 'boss' }));
    await e2e.drain();
    await Promise.all([e2e.send({ text: '三', user: 'staff-3', msgId: 'm-after-1' }), e2e.send({ text: '四', user: 'staff-3', msgId: 'm-after-2' })]);
    await e2e.drain();
    // Assess: both refused, whichever instance ran them
    expect(texts(e2e).slice(-2)).toEqual([expect.stringContaining('每分钟 2 条'), expect.stringContaining('每分钟 2 条')]);
    expect(e2e.openai.requests).toHaveLength(2);
  });

  it('refuses a question with a sensitive word however it is spaced or written, without asking the model', async () => {
    // Prepare
    e2e = await startE2eStack({ controls: { defaults: { sensitiveWords: { words: ['机密项目'], input: 'refuse', output: 'mask' } } } });
    // Act
    ok(await e2e.send({ text: '说说 机 密 项 目 的进展' }));
    await e2e.drain();
    // Assess
    expect(texts(e2e)).toEqual([expect.stringContaining('包含不允许的内容')]);
    expect(e2e.openai.requests).toHaveLength(0);
  });

  it('stops a streamed card at a sensitive word in the answer and replaces its content, never showing the word', async () => {
    // Prepare
    e2e = await startE2eStack({ env: CARD_ENV, controls: { defaults: { sensitiveWords: { words: ['机密项目'], input: 'refuse', output: 'refuse' } } } });
    const answer = `${'正常的内容。'.repeat(20)}这里提到机密项目的细节。${'更多内容。'.repeat(20)}`;
    e2e.openai.enqueue({ text: answer, chunks: 20, chunkDelayMs: 60 });
    // Act
    ok(await e2e.send({ text: '讲讲' }));
    await e2e.drain();
    // Assess
    const [card] = e2e.dingtalk.cards;
    expect(card?.content).toContain('包含不允许的内容');
    expect(card?.updates.some((update) => update.content.includes('机密'))).toBe(false);
    expect(card?.updates.length).toBeGreaterThan(1);
    expect(JSON.stringify(await e2e.history())).not.toContain('机密项目');
  });

  it('degrades cards step by step as the month’s API budget runs down, down to markdown', async () => {
    // Prepare: a budget of 30 calls a month, spent by a few streamed answers
    e2e = await startE2eStack({ env: CARD_ENV, controls: { defaults: { dingtalkBudget: { monthlyCalls: 30 } } } });
    const callsPerTurn: number[] = [];
    // Act
    for (let turn = 0; turn < 8; turn += 1) {
      const before = e2e.dingtalk.cardCalls.length;
      e2e.openai.enqueue({ text: '字'.repeat(400), chunks: 12, chunkDelayMs: 60 });
      ok(await e2e.send({ text: `第 ${turn} 问` }));
      await e2e.drain();
      callsPerTurn.push(e2e.dingtalk.cardCalls.length - before);
    }
    // Assess: no turn costs more calls than the one before it, and the last ones use none (markdown)
    for (let turn = 1; turn < callsPerTurn.length; turn += 1) expect(callsPerTurn[turn]).toBeLessThanOrEqual(callsPerTurn[turn - 1] ?? 0);
    expect(callsPerTurn.at(-1)).toBe(0);
    expect(callsPerTurn.some((calls) => calls === 2)).toBe(true);
    expect(texts(e2e).at(-1)).toBe('字'.repeat(400));
  });

  it('moves every instance to markdown after DingTalk answers 90020, and shows the admin calls used and the forecast', async () => {
    // Prepare
    e2e = await startE2eStack({ env: CARD_ENV, controls: { defaults: { access: { admins: ['boss'] } } } });
    e2e.dingtalk.failNext('cardStreaming', 1, { status: 403, body: { code: 'Forbidden.AccessDenied.ApiCountLimitForOrg', message: '您的企业本月api调用量已超过限制' } });
    e2e.openai.enqueue({ text: '第一个回答'.repeat(20), chunks: 6, chunkDelayMs: 60 });
    // Act
    ok(await e2e.send({ text: '一', user: 'staff-1' }));
    await e2e.drain();
    const cardsAfterFirst = e2e.dingtalk.cards.length;
    // Two at once, so at least one runs on an instance that never met the 90020 itself
    e2e.openai.enqueue({ text: '回答二', delayMs: 500 }, { text: '回答三', delayMs: 500 });
    await Promise.all([e2e.send({ text: '二', user: 'staff-4' }), e2e.send({ text: '三', user: 'staff-5' })]);
    await e2e.drain();
    ok(await e2e.send({ text: '/admin status', user: 'boss' }));
    await e2e.drain();
    // Assess: both later answers came as markdown, with no card call; the admin sees the budget
    expect(e2e.dingtalk.cards).toHaveLength(cardsAfterFirst);
    expect(texts(e2e)).toEqual(expect.arrayContaining(['回答二', '回答三']));
    const status = texts(e2e).at(-1) ?? '';
    expect(status).toMatch(/10,000/);
    expect(status).toMatch(/预计/);
  });
});
