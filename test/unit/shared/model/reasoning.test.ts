import { separateReasoning } from '../../../../shared/model/reasoning';

/** Contents as reasoning models really write them: a block at the start, odd casing, several blocks, none at all. */
const REALISTIC = [
  '<think>\n用户在问天气。我应该先确认城市。\n</think>\n\n请问您在哪个城市？',
  '<think>\n\n</think>\n\n你好！有什么可以帮你的吗？',
  '<Think>Let me check: 2 < 3 and 5 > 4.</THINK>Yes, 2 < 3.',
  'First <think>a</think> then <think>b</think> done <b>bold</b> and a < sign',
  'No reasoning here, only <thinking> about </th> tags that are not ours.',
  '<think>still thinking when the stream ended',
];

describe('separateReasoning', () => {
  it.each([
    ['no block', 'plain answer', 'plain answer', ''],
    ['a block at the start', '<think>\n想一想\n</think>\n\n答案', '答案', '想一想'],
    ['an empty block', '<think>\n\n</think>\n\n答案', '答案', ''],
    ['any tag case', '<THINK>hm</Think> ok', 'ok', 'hm'],
    ['blocks mid-answer', 'A <think>x</think> B<think> y </think>C', 'A BC', 'x\n\ny'],
    ['lookalike tags', '<thinking>x</thinking> <th> </think>', '<thinking>x</thinking> <th> </think>', ''],
    ['an unclosed block', '答案<think>后来又想', '答案', '后来又想'],
    ['a trailing partial tag', 'a < b and b <thi', 'a < b and b <thi', ''],
    ['a trailing partial close tag', '<think>x </thin', '', 'x </thin'],
  ])('separates %s when final', (_name, content, answer, reasoning) => {
    // Act
    const separated = separateReasoning(content, { final: true });

    // Assess
    expect(separated).toEqual({ answer, reasoning });
  });

  it.each([
    ['an unclosed block hides what follows', '答案<think>后来又', '答案', '后来又'],
    ['a trailing "<" is held back', 'a <', 'a ', ''],
    ['a trailing "<thin" is held back', '好的<thin', '好的', ''],
    ['any case of a partial tag is held back', '好的<THI', '好的', ''],
    ['a "<" that cannot start the tag is shown', 'a <b', 'a <b', ''],
    ['a partial close tag is held back from reasoning', '<think>先想</thi', '', '先想'],
    ['whitespace after a closed block is not shown yet', '<think>x</think>\n\n', '', 'x'],
    ['a partial tag after a closed block is held back', '<think>x</think>\n\n<th', '', 'x'],
  ])('while streaming, %s', (_name, content, answer, reasoning) => {
    // Act
    const separated = separateReasoning(content, { final: false });

    // Assess
    expect(separated).toEqual({ answer, reasoning });
  });

  it.each(REALISTIC.map((content) => [content]))('never shrinks what it shows as %j streams in', (content) => {
    // Prepare: streams cut at random points (seeded, so a failure reproduces), and one growing a character at a time.
    const random = seededRandom(content.length);
    const randomStreams = Array.from({ length: 100 }, () =>
      Array.from({ length: 1 + Math.floor(random() * 8) }, () => Math.floor(random() * (content.length + 1))),
    );
    const everyCharacter = Array.from({ length: content.length + 1 }, (_, index) => index);
    const streams = [...randomStreams, everyCharacter].map((cuts) =>
      [...cuts, content.length].sort((a, b) => a - b).map((length) => content.slice(0, length)),
    );

    // Act
    const shown = streams.map((prefixes) => prefixes.map((prefix) => separateReasoning(prefix, { final: false })));
    const final = separateReasoning(content, { final: true });

    // Assess
    for (const steps of shown) {
      for (const [index, later] of [...steps, final].entries()) {
        const earlier = steps[index - 1] ?? { answer: '', reasoning: '' };
        expect(later.answer.startsWith(earlier.answer)).toBe(true);
        expect(later.reasoning.startsWith(earlier.reasoning)).toBe(true);
      }
    }
  });

  it('never shows a tag or a piece of one in the answer while a block streams in', () => {
    // Prepare
    const content = REALISTIC[0] ?? '';

    // Act
    const answers = Array.from(content, (_, index) => separateReasoning(content.slice(0, index + 1), { final: false }));

    // Assess
    for (const { answer } of answers) expect(answer).not.toMatch(/<|think/i);
    expect(answers.at(-1)).toEqual({ answer: '请问您在哪个城市？', reasoning: '用户在问天气。我应该先确认城市。' });
  });
});

/** mulberry32: a tiny deterministic PRNG, so the property test is the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}
