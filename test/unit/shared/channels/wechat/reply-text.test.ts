import { plainText, splitByBytes, utf8Bytes } from '../../../../../shared/channels/wechat/reply-text';

describe('WeChat reply text', () => {
  it('turns common markdown into plain text', () => {
    // Prepare
    const markdown = '## 标题\n\n**重点**和__强调__，`code`，[链接](https://example.com)\n\n```ts\nconst a = 1;\n```';
    // Act / Assess
    expect(plainText(markdown)).toBe('标题\n\n重点和强调，code，链接（https://example.com）\n\nconst a = 1;');
  });

  it.each([
    ['Chinese paragraphs', Array.from({ length: 12 }, (_, i) => `第${i}段。${'内容'.repeat(150)}`).join('\n\n')],
    ['one long line of emoji', '😀'.repeat(3000)],
    ['mixed text without breaks', 'abc中文😀'.repeat(900)],
  ])('cuts %s into parts within the byte limit, losing nothing', (_name, text) => {
    // Act
    const parts = splitByBytes(text, 2000);
    // Assess
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(utf8Bytes(part)).toBeLessThanOrEqual(2000);
      expect(part.isWellFormed()).toBe(true);
    }
    expect(parts.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
  });

  it('prefers a paragraph end as the cut', () => {
    // Prepare
    const text = `${'甲'.repeat(400)}\n\n${'乙'.repeat(400)}`;
    // Act / Assess
    expect(splitByBytes(text, 2000)).toEqual(['甲'.repeat(400), '乙'.repeat(400)]);
  });
});
