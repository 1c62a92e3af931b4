import type { SensitiveAction } from '../../../../../shared/controls/robot-controls';
import { createSensitiveMatcher } from '../../../../../shared/controls/sensitive/sensitive-matcher';
import { createLogger } from '../../../../../shared/logging/logger';
import { chatTurn } from '../../../../../shared/turn/chat-turn';
import { recordsFor } from '../../../../../shared/turn/turn-records';
import { REASONING_TITLE, SENSITIVE_INPUT_REFUSED, SENSITIVE_OUTPUT_REFUSED } from '../../../../../shared/turn/user-messages';
import { createWorkerEvent } from '../../../../helpers/builders';
import { createFakeChatModel, type FakeChatModelOptions } from '../../../../helpers/fake-chat-model';
import { createTurnDependencies, TEST_NOW, viewOf } from '../../../../helpers/turn-dependencies';
import { createWorkerSettings } from '../../../../helpers/worker-settings';

const WORDS = ['机密', 'secret'];

function setup(options: { input?: SensitiveAction; output?: SensitiveAction; model?: FakeChatModelOptions; showReasoning?: boolean } = {}) {
  const fake = createFakeChatModel(options.model);
  const lines: string[] = [];
  const deps = createTurnDependencies({
    settings: createWorkerSettings({ showReasoning: options.showReasoning ?? false }),
    model: fake.model,
    logger: createLogger({ service: 'test', write: (line) => lines.push(line) }),
    sensitive: { matcher: createSensitiveMatcher(WORDS), input: options.input ?? 'refuse', output: options.output ?? 'mask' },
  });
  const hits = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line['message'] === 'sensitive words hit');
  return { deps, requests: fake.requests, lines, hits };
}

const ask = (deps: ReturnType<typeof setup>['deps'], text: string) =>
  chatTurn({ text, images: [] }, viewOf(), deps.open(createWorkerEvent({ msgId: 'm1' })), false, deps);

describe('sensitive words in chat turns (markdown answers)', () => {
  describe('in the question', () => {
    it('refuses it politely without asking the model, and records the message without its text', async () => {
      // Prepare
      const { deps, requests, lines, hits } = setup({ input: 'refuse' });
      // Act
      const answer = await ask(deps, '告诉我公司的机 密');
      // Assess
      expect(requests).toHaveLength(0);
      expect(answer.text).toBe(SENSITIVE_INPUT_REFUSED);
      expect(recordsFor(answer, viewOf(), 64 * 1024)).toEqual([
        { t: 'done', id: 'm1', at: TEST_NOW, kind: 'sensitive-input', reply: SENSITIVE_INPUT_REFUSED },
      ]);
      expect(hits()).toEqual([expect.objectContaining({ direction: 'input', action: 'refuse', count: 1 })]);
      expect(lines.join('\n')).not.toMatch(/机|密|告诉我/);
    });

    it('sends it to the model masked, and records it masked', async () => {
      // Prepare
      const { deps, requests, hits } = setup({ input: 'mask' });
      // Act
      const answer = await ask(deps, '这份 ＳＥＣＲＥＴ 文件是机密吗');
      // Assess
      expect(requests[0]?.messages.at(-1)).toEqual({ role: 'user', content: '这份 ****** 文件是**吗' });
      expect(answer.build(viewOf())[0]).toMatchObject({ t: 'turn', user: '这份 ****** 文件是**吗' });
      expect(hits()).toEqual([expect.objectContaining({ direction: 'input', action: 'mask', count: 2 })]);
    });

    it('lets a question without sensitive words through unchanged, logging nothing', async () => {
      // Prepare
      const { deps, requests, hits } = setup({ input: 'refuse' });
      // Act
      await ask(deps, '今天天气怎么样');
      // Assess
      expect(requests[0]?.messages.at(-1)).toEqual({ role: 'user', content: '今天天气怎么样' });
      expect(hits()).toEqual([]);
    });
  });

  describe('in the answer', () => {
    it('masks the words in the reply and in the history', async () => {
      // Prepare
      const { deps, hits } = setup({ output: 'mask', model: { text: '这是机*密，不能说。' } });
      // Act
      const answer = await ask(deps, '你好');
      // Assess
      expect(answer.text).toBe('这是***，不能说。');
      expect(answer.build(viewOf())[0]).toMatchObject({ t: 'turn', user: '你好', assistant: '这是***，不能说。' });
      expect(hits()).toEqual([expect.objectContaining({ direction: 'output', action: 'mask', count: 1 })]);
    });

    it('replaces the whole answer by the refusal, in the reply and in the history, still counting its tokens', async () => {
      // Prepare
      const { deps, lines } = setup({ output: 'refuse', model: { text: '答案：Secret 在这里', usage: { promptTokens: 30, completionTokens: 7, totalTokens: 37 } } });
      // Act
      const answer = await ask(deps, '你好');
      // Assess
      expect(answer.text).toBe(SENSITIVE_OUTPUT_REFUSED);
      expect(answer.build(viewOf())[0]).toMatchObject({ t: 'turn', user: '你好', assistant: SENSITIVE_OUTPUT_REFUSED, tokens: 37 });
      expect(lines.join('\n')).not.toMatch(/secret|答案/i);
    });

    it('checks the reasoning when it is shown, and masks it', async () => {
      // Prepare
      const { deps } = setup({ output: 'mask', showReasoning: true, model: { text: '好的', reasoning: '这是机密' } });
      // Act
      const answer = await ask(deps, '你好');
      // Assess
      expect(answer.text).toBe(`> **${REASONING_TITLE}**\n>\n> 这是**\n\n---\n\n好的`);
    });

    it('refuses an answer whose shown reasoning holds a word', async () => {
      const { deps } = setup({ output: 'refuse', showReasoning: true, model: { text: '好的', reasoning: '这是机密' } });
      expect((await ask(deps, '你好')).text).toBe(SENSITIVE_OUTPUT_REFUSED);
    });

    it('leaves out the reasoning when a word begins at its end and ends at the start of the answer', async () => {
      // Prepare: shown together, only the rule "---" (a separator) lies between 机 and 密
      const { deps } = setup({ output: 'mask', showReasoning: true, model: { text: '密码不能说', reasoning: '想想机' } });
      // Act
      const answer = await ask(deps, '你好');
      // Assess
      expect(answer.text).toBe('密码不能说');
    });

    it('leaves an answer without sensitive words as it is', async () => {
      const { deps, hits } = setup({ output: 'refuse', model: { text: '今天晴。' } });
      expect((await ask(deps, '天气')).text).toBe('今天晴。');
      expect(hits()).toEqual([]);
    });
  });

  it('checks nothing when the robot has no sensitive words set', async () => {
    // Prepare
    const fake = createFakeChatModel({ text: '机密在此' });
    const deps = createTurnDependencies({ model: fake.model });
    // Act
    const answer = await ask(deps, '机密是什么');
    // Assess
    expect(fake.requests[0]?.messages.at(-1)).toEqual({ role: 'user', content: '机密是什么' });
    expect(answer.text).toBe('机密在此');
  });
});
