import { createStreamAccumulator } from '../../../../shared/model/stream-accumulator';

describe('createStreamAccumulator', () => {
  it.each([
    ['a role-only chunk', { role: 'assistant', content: '' }],
    ['null fields', { content: null, reasoning_content: null }],
    ['no delta at all', undefined],
    ['a partial <think tag', { content: '<thi' }],
  ])('reports nothing visible for %s', (_name, delta) => {
    // Prepare
    const accumulator = createStreamAccumulator();

    // Act
    const progress = accumulator.add(delta);

    // Assess
    expect(progress).toBeUndefined();
  });

  it('reports only changes that can be seen', () => {
    // Prepare
    const accumulator = createStreamAccumulator();

    // Act
    const shown = [{ content: '答' }, { content: '<' }, { content: 'b>' }, { content: '<think>' }, { content: '想' }].map(
      (delta) => accumulator.add(delta),
    );

    // Assess
    expect(shown).toEqual([
      { answer: '答', reasoning: '' },
      undefined,
      { answer: '答<b>', reasoning: '' },
      undefined,
      { answer: '答<b>', reasoning: '想' },
    ]);
  });

  it('reads one reasoning field when a provider fills both, and puts it before <think> reasoning', () => {
    // Prepare
    const accumulator = createStreamAccumulator();

    // Act
    accumulator.add({ content: null, reasoning_content: '一', reasoning: '一' });
    accumulator.add({ content: null, reasoning: '二' });
    accumulator.add({ content: '<think>三</think>\n\n答案' });

    // Assess
    expect(accumulator.result()).toEqual({ answer: '答案', reasoning: '一二\n\n三' });
  });

  it('counts an unclosed <think> block as reasoning once the completion is whole', () => {
    // Prepare
    const accumulator = createStreamAccumulator();
    accumulator.add({ content: '<think>没想完' });

    // Act
    const result = accumulator.result();

    // Assess
    expect(result).toEqual({ answer: '', reasoning: '没想完' });
  });
});
