import { cutMarkdown, type MarkdownCut } from '../../../../shared/cards/cut-markdown';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const paragraph = (label: string, length: number): string => `${label} ${'x'.repeat(length - label.length - 1)}`;
const codeLines = (count: number): string[] =>
  Array.from({ length: count }, (_unused, index) => `const v${index} = ${index};`);

function cut(text: string, maxChars: number): MarkdownCut {
  const result = cutMarkdown(text, maxChars);
  if (!result) throw new Error('expected a cut');
  return result;
}

/** Cuts a whole text the way the card stream does: each rest is prefixed with the cut's reopen line. */
function cutAll(text: string, maxChars: number): Array<{ part: string; reopened: string; closed: boolean }> {
  const parts: Array<{ part: string; reopened: string; closed: boolean }> = [];
  let rest = text;
  let reopened = '';
  for (;;) {
    const result = cutMarkdown(rest, maxChars);
    if (!result) return [...parts, { part: rest, reopened, closed: false }];
    parts.push({ part: result.head, reopened, closed: result.reopen !== '' });
    rest = result.reopen + rest.slice(result.restStart);
    reopened = result.reopen;
  }
}

/** The answer's own text in each part: without the fence lines added at the cuts. */
function bodies(parts: ReturnType<typeof cutAll>): string[] {
  return parts.map(({ part, reopened, closed }) => {
    const body = part.slice(reopened.length);
    return closed ? body.slice(0, body.lastIndexOf('\n')) : body;
  });
}

/** Each body appears in order in the answer, with only whitespace between them (dropped at the cuts). */
function expectCovers(answer: string, pieces: string[]): void {
  let position = 0;
  for (const piece of pieces) {
    const at = answer.indexOf(piece, position);
    expect(at).toBeGreaterThanOrEqual(position);
    expect(answer.slice(position, at).trim()).toBe('');
    position = at + piece.length;
  }
  expect(answer.slice(position).trim()).toBe('');
}

const CORPUS = [
  '# 标题\n\n这是第一段，讲一些事情。还有一句话！\n\n',
  '```python\n',
  ...codeLines(12).map((line) => `${line}\n`),
  '```\n\n',
  'A long English paragraph follows. It has sentences, e.g. this one; and numbers like 3.14 too! '.repeat(3),
  '\n\n- 列表一 😀😀😀\n- 列表二\n\n',
  '😀'.repeat(80),
  '\n\n~~~~\n',
  ...codeLines(20).map((line) => `${line}\n`),
  '~~~~\n\n结束。',
].join('');

describe('cutMarkdown', () => {
  it.each([
    ['shorter than the limit', 50],
    ['exactly the limit', 100],
  ])('returns undefined for a text %s', (_name, length) => {
    // Act
    const result = cutMarkdown('y'.repeat(length), 100);

    // Assess
    expect(result).toBeUndefined();
  });

  it('rejects a limit too small to cut sensibly', () => {
    // Act & Assess
    expect(() => cutMarkdown('x'.repeat(40), 8)).toThrow(RangeError);
  });

  it('cuts at the last paragraph boundary in the window and skips the blank lines after it', () => {
    // Prepare
    const paragraphs = ['A', 'B', 'C'].map((label) => paragraph(label, 40));
    const text = `${paragraphs[0]}\n\n${paragraphs[1]}\n\n\n${paragraphs[2]}`;

    // Act
    const result = cut(text, 100);

    // Assess
    expect(result).toEqual({ head: `${paragraphs[0]}\n\n${paragraphs[1]}`, restStart: 85, reopen: '' });
    expect(text.slice(result.restStart)).toBe(paragraphs[2]);
  });

  it('prefers a paragraph boundary to a later line end', () => {
    // Prepare
    const text = `${paragraph('A', 60)}\n\nline one\nline two\n${'z'.repeat(60)}`;

    // Act
    const result = cut(text, 100);

    // Assess
    expect(result.head).toBe(paragraph('A', 60));
    expect(text.slice(result.restStart)).toMatch(/^line one/);
  });

  it('cuts at the last line end when no blank line is in the second half', () => {
    // Prepare
    const lines = Array.from({ length: 6 }, (_unused, index) => `line ${index} ${'y'.repeat(20)}`);

    // Act
    const result = cut(lines.join('\n'), 100);

    // Assess
    expect(result).toEqual({ head: lines.slice(0, 3).join('\n'), restStart: 84, reopen: '' });
  });

  it('cuts before a code block rather than inside it when a paragraph boundary exists', () => {
    // Prepare
    const intro = paragraph('Intro', 70);
    const code = ['```ts', ...codeLines(10), '```'].join('\n');
    const text = `${intro}\n\n${code}`;

    // Act
    const result = cut(text, 120);

    // Assess
    expect(result).toEqual({ head: intro, restStart: intro.length + 2, reopen: '' });
  });

  it('treats a fence closing line as the end of a paragraph', () => {
    // Prepare
    const code = ['```', ...codeLines(4), '```'].join('\n');
    const text = `${code}\nright after the block ${'w'.repeat(60)}`;

    // Act
    const result = cut(text, 100);

    // Assess
    expect(result).toEqual({ head: code, restStart: code.length + 1, reopen: '' });
  });

  it.each([
    ['backticks with a language', '```python', '```'],
    ['tildes', '~~~', '~~~'],
    ['a longer, indented marker', '  ````js', '  ````'],
  ])('closes and reopens a code block (%s) longer than the window', (_name, opener, marker) => {
    // Prepare
    const text = [opener, ...codeLines(30), marker.trimStart()].join('\n');

    // Act
    const result = cut(text, 200);

    // Assess
    expect(result.head.length).toBeLessThanOrEqual(200);
    expect(result.head.endsWith(`\n${marker}`)).toBe(true);
    expect(result.head.startsWith(`${opener}\n`)).toBe(true);
    expect(result.reopen).toBe(`${opener}\n`);
    expect(text.slice(result.restStart)).toMatch(/^const v\d+ = \d+;\n/);
  });

  it('skips blank code lines after a cut inside a code block', () => {
    // Prepare: the blank lines end too late for their closing fence to fit, so the cut is before them
    const text = `\`\`\`\n${'c'.repeat(92)}\n\n\n${'d'.repeat(50)}\n\`\`\``;

    // Act
    const result = cut(text, 100);

    // Assess
    expect(result).toEqual({ head: `\`\`\`\n${'c'.repeat(92)}\n\`\`\``, restStart: 99, reopen: '```\n' });
  });

  it.each([
    ['after a Chinese sentence end', '今天的天气很好，我们去公园散步吧。'.repeat(8), 100, 85],
    ['after a space, not after the point in 3.14', 'Pi is 3.14 or so. '.repeat(10), 98, 95],
    ['after a space', 'word '.repeat(40), 100, 99],
  ])('cuts one long line %s', (_name, text, maxChars, headLength) => {
    // Act
    const result = cut(text, maxChars);

    // Assess
    expect(result.head).toBe(text.slice(0, headLength));
    expect(text.slice(result.restStart)).not.toMatch(/^\s/);
    expect(text.slice(headLength, result.restStart).trim()).toBe('');
  });

  it.each([99, 100, 101])('never cuts a surrogate pair (limit %i)', (maxChars) => {
    // Prepare
    const text = `${'😀'.repeat(120)}`;

    // Act
    const result = cut(text, maxChars);

    // Assess
    expect(result.head).not.toMatch(LONE_SURROGATE);
    expect(text.slice(result.restStart)).not.toMatch(LONE_SURROGATE);
    expect(result.head + text.slice(result.restStart)).toBe(text);
  });

  it.each([60, 97, 150, 233])('cuts the whole corpus into parts that fit and lose nothing (limit %i)', (maxChars) => {
    // Act
    const parts = cutAll(CORPUS, maxChars);

    // Assess
    for (const { part } of parts) {
      expect(part.length).toBeLessThanOrEqual(maxChars);
      expect(part).not.toMatch(LONE_SURROGATE);
    }
    expectCovers(CORPUS, bodies(parts));
  });

  it.each([60, 97, 150, 233])('gives every prefix of a growing text the same cut (limit %i)', (maxChars) => {
    // Prepare: the cuts of each part of the corpus, as the card stream would make them
    let rest = CORPUS;
    const checked: number[] = [];

    for (let result = cutMarkdown(rest, maxChars); result; result = cutMarkdown(rest, maxChars)) {
      // Act: every prefix that already exceeds the limit
      const prefixes = Array.from({ length: rest.length - maxChars }, (_unused, index) => rest.slice(0, maxChars + 1 + index));

      // Assess
      for (const prefix of prefixes) expect(cutMarkdown(prefix, maxChars)).toEqual(result);
      checked.push(prefixes.length);
      rest = result.reopen + rest.slice(result.restStart);
    }
    expect(checked.length).toBeGreaterThan(1);
  });

  it('stops skipping blank lines at the window: their number past it cannot change the cut', () => {
    // Prepare
    const base = `${paragraph('A', 99)}\n`;
    const short = `${base}\n\n`;
    const long = `${base}\n\n\n\n\nB`;

    // Act
    const results = [cut(short, 100), cut(long, 100)];

    // Assess
    expect(results[0]).toEqual({ head: paragraph('A', 99), restStart: 101, reopen: '' });
    expect(results[1]).toEqual(results[0]);
    expect(long.slice(101)).toBe('\n\n\n\nB');
  });
});
