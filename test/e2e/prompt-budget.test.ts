import { startE2eStack, type E2eStack } from './e2e-stack';

const ok = (response: Response): void => expect(response.status).toBe(200);
const texts = (e2e: E2eStack): string[] => e2e.dingtalk.messages.map((message) => message.text);
const MARK = '（内容过长，已截断）';

describe('end to end: the prompt budget at the model boundary', () => {
  let e2e: E2eStack;
  beforeEach(async () => {
    e2e = await startE2eStack({ env: { PROMPT_MAX_TOKENS: '6000', HISTORY_MAX_TOKENS: '4000' } });
  });
  afterEach(async () => {
    await e2e.close();
  });

  it('answers a message over the budget in Chinese and never sends it to the model', async () => {
    // Act: about 7,000 estimated tokens of Chinese against a 6,000-token prompt
    ok(await e2e.send({ text: '请逐段翻译下面的合同条款。'.repeat(540) }));
    await e2e.drain();
    // Assess
    expect(e2e.openai.requests).toHaveLength(0);
    expect(texts(e2e)).toEqual([expect.stringMatching(/^这条消息太长了：约 [\d,]+ tokens，超过了单次对话约 6,000 tokens 的上限/)]);
    expect(texts(e2e)[0]).toContain('请精简内容，或分成几条消息发送。');
    const records = await e2e.history();
    expect(records.some((record) => record.t === 'turn')).toBe(false);
  });

  it('still sends the turn of a 10,000-character answer, shortened and marked, with the question before it', async () => {
    // Prepare
    const answer = `第一部分：背景。${'这一段详细说明了项目的进展和遇到的问题。'.repeat(600)}`.slice(0, 9_980) + '最后的结论：按期上线。';
    e2e.openai.enqueue({ text: '你好！' }, { text: answer });
    // Act
    for (const text of ['你好', '请写一份一万字的项目总结', '总结上面']) {
      ok(await e2e.send({ text }));
      await e2e.drain();
    }
    // Assess: the third request still carries the second turn, its answer cut in the middle and marked
    expect(e2e.openai.requests).toHaveLength(3);
    const messages: Array<{ role: string; content: string }> = e2e.openai.requests[2]?.body.messages;
    expect(messages.at(-1)).toEqual({ role: 'user', content: '总结上面' });
    const question = messages.findIndex((message) => message.role === 'user' && message.content === '请写一份一万字的项目总结');
    expect(question).toBeGreaterThan(0);
    const shortened = messages[question + 1];
    expect(shortened?.role).toBe('assistant');
    expect(shortened?.content).toContain(MARK);
    expect(shortened?.content.startsWith('第一部分：背景。')).toBe(true);
    expect(shortened?.content.endsWith('最后的结论：按期上线。')).toBe(true);
    expect(shortened?.content.length).toBeLessThan(answer.length);
    expect(shortened?.content.length).toBeGreaterThan(2_000);
  });
});
