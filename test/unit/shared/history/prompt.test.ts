import { buildPrompt } from '../../../../shared/history/prompt';
import type { ContentPart } from '../../../../shared/model/chat-model';
import type { HistoryRecord } from '../../../../shared/history/records';

const HOUR = 3_600_000;
const turn = (id: string, at: number, user = `问${id}`, assistant = `答${id}`): HistoryRecord => ({ t: 'turn', id, at, user, assistant });
const options = { systemPrompt: '系统', sessionTimeoutMs: HOUR, historyTokenBudget: 1000, nowMs: 10 * HOUR };

describe('buildPrompt', () => {
  it('puts the system prompt, the session turns in order, then the new message', () => {
    // Act
    const prompt = buildPrompt([turn('1', 9 * HOUR), { t: 'claim', id: 'x', at: 0, by: 'd', until: 0 }, turn('2', 9.5 * HOUR)], '新问题', options);
    // Assess
    expect(prompt.map((message) => `${message.role}:${message.content}`)).toEqual([
      'system:系统', 'user:问1', 'assistant:答1', 'user:问2', 'assistant:答2', 'user:新问题',
    ]);
  });

  it('starts afresh after a reset and after an idle gap longer than the session timeout', () => {
    // Act
    const afterReset = buildPrompt([turn('1', 9.8 * HOUR), { t: 'reset', id: 'r', at: 9.85 * HOUR }, turn('2', 9.9 * HOUR)], 'q', options);
    const afterGap = buildPrompt([turn('1', 7 * HOUR), turn('2', 9.5 * HOUR)], 'q', options);
    const allIdle = buildPrompt([turn('1', 8 * HOUR)], 'q', options);
    // Assess
    expect(afterReset.map((message) => message.content)).toEqual(['系统', '问2', '答2', 'q']);
    expect(afterGap.map((message) => message.content)).toEqual(['系统', '问2', '答2', 'q']);
    expect(allIdle).toHaveLength(2);
  });

  it('keeps only the newest turns that fit the token budget', () => {
    // Prepare: each turn is about 2 × (100 CJK + 4) tokens
    const long = '长'.repeat(100);
    const records = [1, 2, 3, 4, 5].map((n) => turn(String(n), 9 * HOUR + n, long, long));
    // Act
    const prompt = buildPrompt(records, 'q', { ...options, historyTokenBudget: 450 });
    // Assess: two turns fit (≈416 tokens), the three oldest are left out
    expect(prompt).toHaveLength(1 + 4 + 1);
  });

  it.each([
    ['the number of pictures before the text', { images: 2 }, '[用户发送了 2 张图片] 这是什么'],
    ['the speaker first, then the pictures, in a shared group', { images: 1, speaker: '李四' }, '李四：[用户发送了 1 张图片] 这是什么'],
    ['the text alone when there were no pictures', {}, '这是什么'],
  ])('mentions in a past turn %s, since pictures are not kept', (_name, fields, expected) => {
    // Prepare
    const past: HistoryRecord = { t: 'turn', id: '1', at: 9.5 * HOUR, user: '这是什么', assistant: '一只猫', ...fields };
    // Act
    const prompt = buildPrompt([past], '它叫什么？', options);
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
    const prompt = buildPrompt([turn('1', 9.5 * HOUR)], parts, options);
    // Assess
    expect(prompt.at(-1)).toEqual({ role: 'user', content: parts });
    expect(prompt.slice(0, -1).map((message) => message.content)).toEqual(['系统', '问1', '答1']);
  });
});
