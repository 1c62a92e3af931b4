import { renderMarkdown } from '../../../../../local/playground/page/markdown';

describe('renderMarkdown (robot answers as DingTalk shows markdown)', () => {
  it('renders headings, bold, lists, quotes and code', () => {
    const html = renderMarkdown('### 小结\n**重点**\n\n- 一\n- 二\n\n> 引用\n\n`x = 1`\n\n```\nconst a = 1;\n```');
    expect(html).toContain('<h3>小结</h3>');
    expect(html).toContain('<strong>重点</strong>');
    expect(html).toContain('<li>一</li>');
    expect(html).toContain('<blockquote>');
    expect(html).toContain('<code>x = 1</code>');
    expect(html).toContain('<pre><code>const a = 1;\n</code></pre>');
  });

  it('shows raw HTML as text, so an answer cannot inject markup into the page', () => {
    const html = renderMarkdown('<img src=x onerror="alert(1)"> <script>alert(2)</script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;');
  });

  it('opens links, written or bare, in a new tab', () => {
    const html = renderMarkdown('[文档](https://example.com/a) 以及 https://example.com/b');
    expect(html).toContain('<a href="https://example.com/a" target="_blank" rel="noopener noreferrer">文档</a>');
    expect(html).toContain('<a href="https://example.com/b" target="_blank" rel="noopener noreferrer">https://example.com/b</a>');
  });

  it('breaks the line at a single newline, as DingTalk does', () => {
    expect(renderMarkdown('第一行\n第二行')).toContain('第一行<br>\n第二行');
  });

  it('refuses javascript: links', () => {
    expect(renderMarkdown('[点我](javascript:alert(1))')).not.toContain('href="javascript:');
  });
});
