import { splitMarkdown } from '../../../../../shared/channels/dingtalk/split-markdown';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const bytes = (text: string): number => Buffer.byteLength(text);
const fenceLines = (part: string): string[] => part.split('\n').filter((line) => /^\s*(`{3,}|~{3,})/.test(line));
const paragraph = (label: string, length: number): string => `${label} ${'x'.repeat(length - label.length - 1)}`;

describe('splitMarkdown', () => {
  it('returns a short answer unchanged as one part', () => {
    // Prepare
    const answer = '# 标题\n\n第一段。\n\n- 一\n- 二';

    // Act
    const parts = splitMarkdown(answer);

    // Assess
    expect(parts).toEqual([answer]);
  });

  it('returns no parts for a blank answer', () => {
    // Act
    const parts = splitMarkdown(' \n\n ');

    // Assess
    expect(parts).toEqual([]);
  });

  it('cuts between paragraphs and keeps every paragraph whole', () => {
    // Prepare
    const paragraphs = ['A', 'B', 'C', 'D', 'E'].map((label) => paragraph(label, 40));
    const answer = paragraphs.join('\n\n');

    // Act
    const parts = splitMarkdown(answer, { maxChars: 100 });

    // Assess
    expect(parts).toEqual([
      `${paragraphs[0]}\n\n${paragraphs[1]}`,
      `${paragraphs[2]}\n\n${paragraphs[3]}`,
      `${paragraphs[4]}`,
    ]);
  });

  it('cuts a paragraph longer than a part at line ends', () => {
    // Prepare
    const lines = Array.from({ length: 6 }, (_unused, index) => `line ${index} ${'y'.repeat(20)}`);

    // Act
    const parts = splitMarkdown(lines.join('\n'), { maxChars: 60 });

    // Assess
    expect(parts).toEqual([lines.slice(0, 2).join('\n'), lines.slice(2, 4).join('\n'), lines.slice(4).join('\n')]);
  });

  it('cuts one very long line after a sentence end and loses nothing', () => {
    // Prepare
    const sentence = '今天的天气很好，我们去公园散步吧。';
    const answer = sentence.repeat(10);

    // Act
    const parts = splitMarkdown(answer, { maxChars: 40 });

    // Assess
    expect(parts.join('')).toBe(answer);
    expect(parts.every((part) => part.endsWith('。') || part === parts.at(-1))).toBe(true);
    expect(parts.every((part) => part.length <= 40)).toBe(true);
  });

  it('never splits a surrogate pair', () => {
    // Prepare
    const answer = '😀'.repeat(50);

    // Act
    const parts = splitMarkdown(answer, { maxChars: 17 });

    // Assess
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.some((part) => LONE_SURROGATE.test(part))).toBe(false);
    expect(parts.join('')).toBe(answer);
  });

  it('respects the byte limit for multi-byte text', () => {
    // Prepare
    const answer = Array.from({ length: 30 }, (_unused, index) => `第${index}段：${'汉'.repeat(30)}`).join('\n\n');

    // Act
    const parts = splitMarkdown(answer, { maxChars: 3000, maxBytes: 300 });

    // Assess
    expect(parts.every((part) => bytes(part) <= 300)).toBe(true);
    expect(parts.join('\n\n')).toBe(answer);
  });

  it('moves a code block that fits a part to the next part instead of breaking it', () => {
    // Prepare
    const intro = paragraph('intro', 60);
    const code = ['```python', 'def add(a, b):', '    return a + b', '```'].join('\n');
    const answer = `${intro}\n\n${code}\n\nThat is all.`;

    // Act
    const parts = splitMarkdown(answer, { maxChars: 80 });

    // Assess
    expect(parts).toEqual([intro, `${code}\n\nThat is all.`]);
  });

  it('closes an oversized code block at each cut and reopens it with its language', () => {
    // Prepare
    const codeLines = Array.from({ length: 40 }, (_unused, index) => `const v${index} = ${index};`);
    const answer = `Here is the code:\n\n\`\`\`ts\n${codeLines.join('\n')}\n\`\`\`\n\nDone.`;

    // Act
    const parts = splitMarkdown(answer, { maxChars: 200 });

    // Assess
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.every((part) => part.length <= 200)).toBe(true);
    const codeParts = parts.filter((part) => part.includes('const v'));
    for (const part of codeParts.slice(1)) expect(part.startsWith('```ts\n')).toBe(true);
    for (const part of codeParts) expect(fenceLines(part)).toEqual(['```ts', '```']);
    const seen = parts.flatMap((part) => part.split('\n')).filter((line) => line.startsWith('const v'));
    expect(seen).toEqual(codeLines);
    expect(parts[0]?.startsWith('Here is the code:\n\n```ts\nconst v0 = 0;\n')).toBe(true);
    expect(parts.at(-1)?.endsWith('```\n\nDone.')).toBe(true);
  });

  it('keeps a heading with the start of the long section it introduces', () => {
    // Prepare
    const first = paragraph('first', 60);
    const lines = Array.from({ length: 8 }, (_unused, index) => `item ${index} ${'w'.repeat(12)}`);
    const answer = `${first}\n\n## 小节\n\n${lines.join('\n')}`;

    // Act
    const parts = splitMarkdown(answer, { maxChars: 100 });

    // Assess
    expect(parts[0]).toBe(`${first}\n\n## 小节\n\n${lines[0]}`);
    expect(parts.join('\n')).toBe(answer);
  });

  it('reopens a longer tilde fence with the same marker', () => {
    // Prepare
    const body = Array.from({ length: 20 }, (_unused, index) => `echo ${index} ${'z'.repeat(10)}`);
    const answer = `~~~~bash\n${body.join('\n')}\n~~~~`;

    // Act
    const parts = splitMarkdown(answer, { maxChars: 120 });

    // Assess
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(fenceLines(part)).toEqual(['~~~~bash', '~~~~']);
  });

  it('does not treat a fence-like line inside a code block as its end', () => {
    // Prepare
    const answer = '````md\n```js\nx\n```\n````';

    // Act
    const parts = splitMarkdown(`${paragraph('p', 30)}\n\n${answer}`, { maxChars: 40 });

    // Assess
    expect(parts).toEqual([paragraph('p', 30), answer]);
  });

  it('loses no line of a long mixed answer and keeps every part within both limits', () => {
    // Prepare
    const sections: string[] = [];
    let line = 0;
    const next = (): string => `L${String((line += 1)).padStart(4, '0')} ${'内容'.repeat(line % 7)}`;
    for (let section = 0; section < 12; section += 1) {
      sections.push(`## 第${section}节`, Array.from({ length: 8 }, next).join('\n'));
      sections.push(`\`\`\`js\n${Array.from({ length: 15 }, next).join('\n')}\n\`\`\``);
    }
    const answer = sections.join('\n\n');

    // Act
    const parts = splitMarkdown(answer, { maxChars: 300, maxBytes: 700 });

    // Assess
    expect(parts.every((part) => part.length <= 300 && bytes(part) <= 700)).toBe(true);
    const numbered = parts.flatMap((part) => part.split('\n')).filter((text) => /^L\d{4}/.test(text));
    expect(numbered).toHaveLength(line);
    expect(numbered).toEqual(answer.split('\n').filter((text) => /^L\d{4}/.test(text)));
    for (const part of parts) expect(fenceLines(part).length % 2).toBe(0);
  });

  it('rejects limits too small to make progress', () => {
    // Act
    const act = () => splitMarkdown('text', { maxChars: 2 });

    // Assess
    expect(act).toThrow(RangeError);
  });
});
