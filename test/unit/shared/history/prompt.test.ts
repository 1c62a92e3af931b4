import { estimateTokens } from '../../../../shared/history/estimate-tokens';
import { buildPrompt, type PromptOptions } from '../../../../shared/history/prompt';
import { PICTURE_TOKENS } from '../../../../shared/history/prompt-cost';
import { SHORTENED_MARK } from '../../../../shared/history/shorten-text';
import type { ChatMessage, ContentPart } from '../../../../shared/model/chat-model';
import type { HistoryRecord } from '../../../../shared/history/records';

const HOUR = 3_600_000;
const turn = (id: string, at: number, user = `问${id}`, assistant = `答${id}`): HistoryRecord => ({ t: 'turn', id, at, user, assistant });
const options: PromptOptions = { systemPrompt: '系统', sessionTimeoutMs: HOUR, historyTokenBudget: 1000, promptTokenBudget: 16_000, nowMs: 10 * HOUR };

/** The messages of a prompt that fitted; a too-long result fails the test here. */
function messagesOf(...args: Parameters<typeof buildPrompt>): ChatMessage[] {
  const result = buildPrompt(...args);
  if (result.kind !== 'ok') throw new Error(`expected a prompt, got ${JSON.stringify(result)}`);
  return result.messages;
}

describe('buildPrompt', () => {
  it('puts the system prompt, the session turns in order, then the new message', () => {
    // Act
    const prompt = messagesOf([turn('1', 9 * HOUR), { t: 'claim', id: 'x', at: 0, by: 'd', until: 0 }, turn('2', 9.5 * HOUR)], '新问题', options);
    // Assess
    expect(prompt.map((message) => `${message.role}:${message.content}`)).toEqual([
      'system:系统', 'user:问1', 'assistant:答1', 'user:问2', 'assistant:答2', 'user:新问题',
    ]);
  });

  it('starts afresh after a reset and after an idle gap longer than the session timeout', () => {
    // Act
    const afterReset = messagesOf([turn('1', 9.8 * HOUR), { t: 'reset', id: 'r', at: 9.85 * HOUR }, turn('2', 9.9 * HOUR)], 'q', options);
    const afterGap = messagesOf([turn('1', 7 * HOUR), turn('2', 9.5 * HOUR)], 'q', options);
    const allIdle = messagesOf([turn('1', 8 * HOUR)], 'q', options);
    // Assess
    expect(afterReset.map((message) => message.content)).toEqual(['系统', '问2', '答2', 'q']);
    expect(afterGap.map((message) => message.content)).toEqual(['系统', '问2', '答2', 'q']);
    expect(allIdle).toHaveLength(2);
  });

  it('keeps the newest turns that fit the history budget, shortens the next one and leaves the older out', () => {
    // Prepare: each turn is 2 × (100 CJK + 4 overhead) tokens
    const long = '长'.repeat(100);
    const records = [1, 2, 3, 4, 5].map((n) => turn(String(n), 9 * HOUR + n, long, long));
    // Act
    const prompt = messagesOf(records, 'q', { ...options, historyTokenBudget: 520 });
    // Assess: turns 5 and 4 whole (416 tokens), turn 3 cut into the 104 left, turns 2 and 1 out
    expect(prompt).toHaveLength(1 + 6 + 1);
    expect(prompt.slice(1, 7).map((message) => message.content === long)).toEqual([false, false, true, true, true, true]);
    expect([prompt[1]?.content, prompt[2]?.content]).toEqual([expect.stringContaining(SHORTENED_MARK.trim()), expect.stringContaining(SHORTENED_MARK.trim())]);
  });

  it('prices a past turn by the estimate stored in it, and by its text only when it has none', () => {
    // Prepare: the same short turn, once with an estimate written by the worker (here deliberately larger)
    const past: HistoryRecord = { t: 'turn', id: '1', at: 9.5 * HOUR, user: '短', assistant: '短' };
    const estimated = (records: HistoryRecord[]): number => {
      const result = buildPrompt(records, 'q', options);
      if (result.kind !== 'ok') throw new Error('expected a prompt');
      return result.estimatedTokens;
    };
    // Act
    const fromText = estimated([past]);
    const fromStored = estimated([{ ...past, estimate: 300 }]);
    // Assess: the stored figure replaces the text's own estimate (2 tokens), nothing is read again
    expect(fromStored - fromText).toBe(300 - (estimateTokens('短') + estimateTokens('短')));
  });

  it.each([
    ['the number of pictures before the text', { images: 2 }, '[用户发送了 2 张图片] 这是什么'],
    ['the speaker first, then the pictures, in a shared group', { images: 1, speaker: '李四' }, '李四：[用户发送了 1 张图片] 这是什么'],
    ['the text alone when there were no pictures', {}, '这是什么'],
  ])('mentions in a past turn %s, since pictures are not kept', (_name, fields, expected) => {
    // Prepare
    const past: HistoryRecord = { t: 'turn', id: '1', at: 9.5 * HOUR, user: '这是什么', assistant: '一只猫', ...fields };
    // Act
    const prompt = messagesOf([past], '它叫什么？', options);
    // Assess
    expect(prompt[1]).toEqual({ role: 'user', content: expected });
  });

  it('passes a new message of text and pictures through as it is', () => {
    // Prepare
    const parts: ContentPart[] = [
      { type: 'text', text: '这是什么' },
      { type: 'image', dataUrl: 'data:image/png;base64,AAAA' },
    ];
    // Act
    const prompt = messagesOf([turn('1', 9.5 * HOUR)], parts, options);
    // Assess
    expect(prompt.at(-1)).toEqual({ role: 'user', content: parts });
    expect(prompt.slice(0, -1).map((message) => message.content)).toEqual(['系统', '问1', '答1']);
  });

  it('keeps a 10,000-character answer, shortened at both ends and marked, so "总结上面" still sees it', () => {
    // Prepare: an earlier short turn, then a question whose answer alone is far over the history budget
    const answer = `开头：这是报告的结构。${'正文内容，详细分析各项数据。'.repeat(700)}结尾：最终结论是增加预算。`.slice(-10_000);
    const records = [turn('1', 9.5 * HOUR, '你好', '你好！'), turn('2', 9.6 * HOUR, '请写一份详细的年度报告', answer)];
    // Act
    const result = buildPrompt(records, '总结上面', { ...options, historyTokenBudget: 4000 });
    // Assess
    if (result.kind !== 'ok') throw new Error('expected a prompt');
    const contents = result.messages.map((message) => message.content);
    expect(contents.slice(0, 2)).toEqual(['系统', '请写一份详细的年度报告']);
    const shortened = String(contents[2]);
    expect(shortened).toContain(SHORTENED_MARK.trim());
    expect(shortened.startsWith(answer.slice(0, 100))).toBe(true);
    expect(shortened.endsWith('最终结论是增加预算。')).toBe(true);
    expect(estimateTokens(shortened)).toBeLessThanOrEqual(4000);
    expect(estimateTokens(shortened)).toBeGreaterThan(3000);
    expect(contents.at(-1)).toBe('总结上面');
    expect(result.shortenedTurns).toBe(1);
  });

  it('carries the newer turns whole before a long one it shortens', () => {
    // Prepare
    const answer = '长'.repeat(10_000);
    const records = [turn('1', 9.5 * HOUR, '写长文', answer), turn('2', 9.6 * HOUR, '谢谢', '不客气')];
    // Act
    const prompt = messagesOf(records, '总结上面', { ...options, historyTokenBudget: 4000 });
    // Assess
    const contents = prompt.map((message) => message.content);
    expect([contents[1], ...contents.slice(3)]).toEqual(['写长文', '谢谢', '不客气', '总结上面']);
    expect(contents[2]).toContain(SHORTENED_MARK.trim());
  });

  it('gives history only what the system prompt and the new message leave of the prompt budget', () => {
    // Prepare: a 3,000-token message in a 4,000-token prompt, with 3,000 tokens of history on offer
    const records = [1, 2, 3].map((n) => turn(String(n), 9 * HOUR + n, '问'.repeat(496), '答'.repeat(496)));
    // Act
    const result = buildPrompt(records, '新'.repeat(3000), { ...options, historyTokenBudget: 4000, promptTokenBudget: 4000 });
    // Assess
    if (result.kind !== 'ok') throw new Error('expected a prompt');
    expect(result.estimatedTokens).toBeLessThanOrEqual(4000);
    expect(result.estimatedTokens).toBeGreaterThan(3900);
    expect(result.messages.at(-1)?.content).toBe('新'.repeat(3000));
    expect(result.messages).toHaveLength(1 + 2 + 1);
  });

  it('answers too-long, with the estimate and the budget, when the new message alone does not fit', () => {
    // Act
    const result = buildPrompt([turn('1', 9.5 * HOUR)], '长'.repeat(20_000), options);
    // Assess
    expect(result).toEqual({ kind: 'too-long', estimatedTokens: expect.any(Number), budget: 16_000, pictures: 0 });
    if (result.kind !== 'too-long') throw new Error('expected too-long');
    expect(result.estimatedTokens).toBeGreaterThanOrEqual(20_000);
  });

  it('counts each picture of the new message at its fixed cost', () => {
    // Prepare: text that fits alone, with pictures that push it over
    const image: ContentPart = { type: 'image', dataUrl: 'data:image/png;base64,AAAA' };
    const text = '这'.repeat(2000);
    const fits = PICTURE_TOKENS * 2 + 2000 + 100;
    // Act
    const two = buildPrompt([], [{ type: 'text', text }, image, image], { ...options, promptTokenBudget: fits });
    const three = buildPrompt([], [{ type: 'text', text }, image, image, image], { ...options, promptTokenBudget: fits });
    // Assess
    expect(two.kind).toBe('ok');
    expect(two.kind === 'ok' && two.estimatedTokens).toBeGreaterThan(PICTURE_TOKENS * 2 + 2000);
    expect(three).toMatchObject({ kind: 'too-long', pictures: 3, budget: fits });
  });
});
