import { demoAnswer } from '../../../../local/demo-model/demo-answer';
import type { DemoMessage } from '../../../../local/demo-model/demo-request';

const SYSTEM: DemoMessage = { role: 'system', content: '你是一个乐于助人的助手。' };
const picture = (n: number) => ({ type: 'image_url', image_url: { url: `data:image/png;base64,${'A'.repeat(n)}` } }) as const;

/** The demo answer proves memory and context from the request alone, so the same conversation gets the same answer. */
describe('demoAnswer', () => {
  it('answers a first message briefly: the turn, a quote of it, a bold word, a short list and inline code', () => {
    // Act
    const answer = demoAnswer([SYSTEM, { role: 'user', content: '你好，机器人' }]);

    // Assess
    expect(answer).toContain('**第 1 轮**');
    expect(answer).toContain('「你好，机器人」');
    expect(answer).toContain('这是对话的第一条消息');
    expect(answer).toMatch(/^- /m);
    expect(answer).toMatch(/`demo`/);
    expect(answer).not.toMatch(/^#/m);
    expect(Array.from(answer).length).toBeGreaterThanOrEqual(150);
    expect(Array.from(answer).length).toBeLessThanOrEqual(300);
  });

  it('counts the user messages as turns and mentions the one before the last', () => {
    // Prepare
    const messages: DemoMessage[] = [
      SYSTEM,
      { role: 'user', content: '第一个问题' },
      { role: 'assistant', content: '第一个回答' },
      { role: 'user', content: '第二个问题' },
      { role: 'assistant', content: '第二个回答' },
      { role: 'user', content: '第三个问题' },
    ];

    // Act
    const answer = demoAnswer(messages);

    // Assess
    expect(answer).toContain('**第 3 轮**');
    expect(answer).toContain('你刚才说：「第三个问题」');
    expect(answer).toContain('上一轮你说的是「第二个问题」');
    expect(answer).not.toContain('第一个问题');
    expect(demoAnswer(messages)).toBe(answer);
  });

  it('says how many pictures the last message carried, reading its text parts as the message', () => {
    // Act
    const answer = demoAnswer([
      { role: 'user', content: [{ type: 'text', text: '看看这两张' }, picture(8), picture(16)] },
    ]);

    // Assess
    expect(answer).toContain('「看看这两张」');
    expect(answer).toContain('我收到了 2 张图片');
    expect(answer).not.toContain('base64');
  });

  it('quotes a message on one line and cuts a long one without splitting a character', () => {
    // Act
    const answer = demoAnswer([{ role: 'user', content: `第一行\n第二行 ${'😀'.repeat(60)}` }]);

    // Assess
    expect(answer).toContain(`「第一行 第二行 ${'😀'.repeat(32)}…」`);
    expect(answer).not.toContain('\uFFFD');
  });

  it.each(['请详细介绍一下', '写一篇长一点的', 'Give me a LONG answer'])(
    'gives a long markdown answer, over a card, when asked for one: %s',
    (text) => {
      // Act
      const answer = demoAnswer([{ role: 'user', content: '之前的话' }, { role: 'user', content: [{ type: 'text', text }, picture(4)] }]);

      // Assess
      expect(Array.from(answer).length).toBeGreaterThanOrEqual(2500);
      expect(answer).toMatch(/^## /m);
      expect(answer).toMatch(/^### /m);
      expect(answer).toMatch(/^1\. /m);
      expect(answer).toMatch(/^- /m);
      expect(answer).toMatch(/^```ts$[\s\S]+^```$/m);
      expect(answer).toMatch(/^\| --- \| --- \| --- \|$/m);
      expect(answer).toContain(`> 你的原话：${text}`);
      expect(answer).toContain('**第 2 轮**');
      expect(answer).toContain('「之前的话」');
      expect(answer).toContain('有 1 张图片');
    },
  );

  it('answers a message with no text at all', () => {
    // Act
    const answer = demoAnswer([{ role: 'user', content: [picture(4)] }]);

    // Assess
    expect(answer).toContain('「（没有文字）」');
    expect(answer).toContain('我收到了 1 张图片');
  });
});
