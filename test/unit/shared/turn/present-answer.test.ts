import { presentAnswer } from '../../../../shared/turn/present-answer';
import { REASONING_TITLE } from '../../../../shared/turn/user-messages';

describe('presentAnswer', () => {
  it('shows only the answer by default, however much the model reasoned', () => {
    // Act
    const shown = presentAnswer({ answer: '答案是 42。', reasoning: '先算 6×7。' }, false);
    // Assess
    expect(shown).toBe('答案是 42。');
  });

  it('shows the reasoning as a quoted block under its title, set apart from the answer by a rule, when enabled', () => {
    // Act
    const shown = presentAnswer({ answer: '答案是 42。', reasoning: '先算 6×7。\n\n再检查一遍。\n' }, true);
    // Assess: blank lines stay inside the quote, so the block is not broken in two
    expect(shown).toBe([`> **${REASONING_TITLE}**`, '>', '> 先算 6×7。', '>', '> 再检查一遍。', '', '---', '', '答案是 42。'].join('\n'));
  });

  it.each([
    ['empty', ''],
    ['only whitespace', ' \n\t'],
  ])('shows the answer alone when the reasoning is %s, even when enabled', (_name, reasoning) => {
    // Act
    const shown = presentAnswer({ answer: '答案', reasoning }, true);
    // Assess
    expect(shown).toBe('答案');
  });

  it('shows the reasoning alone, without a rule, while no answer has arrived yet', () => {
    // Act
    const shown = presentAnswer({ answer: '', reasoning: '还在想' }, true);
    // Assess
    expect(shown).toBe(`> **${REASONING_TITLE}**\n>\n> 还在想`);
  });
});
