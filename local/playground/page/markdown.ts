import MarkdownIt from 'markdown-it';

/**
 * Robot answers rendered the way DingTalk shows a markdown message: the title is only the notification's summary
 * (never drawn), raw HTML is shown as text, bare URLs become links, a single newline breaks the line, and every link
 * opens in a new tab. No DOM here: the page injects the HTML, and the unit test runs in node.
 */
const markdown = new MarkdownIt({ html: false, linkify: true, breaks: true });

const defaultLinkOpen = markdown.renderer.rules['link_open'];
markdown.renderer.rules['link_open'] = (tokens, index, options, env, self) => {
  const token = tokens[index];
  if (token) {
    token.attrSet('target', '_blank');
    token.attrSet('rel', 'noopener noreferrer');
  }
  return defaultLinkOpen ? defaultLinkOpen(tokens, index, options, env, self) : self.renderToken(tokens, index, options);
};

/** The HTML of a markdown message's text (safe to inject: markdown-it escapes everything that is not markdown). */
export function renderMarkdown(text: string): string {
  return markdown.render(text);
}
