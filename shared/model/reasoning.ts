/**
 * Reasoning models served by vLLM or Ollama without a reasoning parser (Qwen3, DeepSeek-R1 distills, QwQ) think aloud
 * inside `<think>…</think>` in the content itself, usually at the very start. This splits that out of the answer.
 * Presentation (quoting, folding, truncating the reasoning) is the caller's business; this only separates.
 */
export interface SeparatedContent {
  /** The content with every `<think>` block removed. */
  answer: string;
  /** The blocks' inner text, trimmed, empty blocks left out, joined with blank lines. */
  reasoning: string;
}

export interface SeparateReasoningOptions {
  /**
   * false while the content is still streaming in: an unclosed block is reasoning in progress, and a trailing partial
   * tag (`<`, `<thi`, `</think`) is held back, so that neither value ever has to shrink as more content arrives.
   * true for the whole content: a trailing partial tag is just text, and an unclosed block still counts as reasoning.
   */
  final: boolean;
}

const OPEN = '<think>';
const CLOSE = '</think>';

export function separateReasoning(content: string, options: SeparateReasoningOptions): SeparatedContent {
  let answer = '';
  const blocks: string[] = [];
  let afterBlock = false;
  for (let position = 0; ; ) {
    const open = indexOfTag(content, OPEN, position);
    // Models put a blank line after `</think>`; without the block it would only push the answer down.
    const segment = (text: string): string => (afterBlock ? text.trimStart() : text);
    if (open === -1) {
      const tail = segment(content.slice(position));
      answer += options.final ? tail : withoutPartialTag(tail, OPEN);
      break;
    }
    answer += segment(content.slice(position, open));
    const inner = open + OPEN.length;
    const close = indexOfTag(content, CLOSE, inner);
    if (close === -1) {
      const thinking = content.slice(inner);
      blocks.push(options.final ? thinking : withoutPartialTag(thinking, CLOSE));
      break;
    }
    blocks.push(content.slice(inner, close));
    position = close + CLOSE.length;
    afterBlock = true;
  }
  const reasoning = blocks
    .map((block) => block.trim())
    .filter((block) => block !== '')
    .join('\n\n');
  return { answer, reasoning };
}

/** Case-insensitive, as some fine-tunes write `<Think>`; lowercases only a slice, so indices stay `content`'s. */
function indexOfTag(content: string, tag: string, from: number): number {
  for (let index = content.indexOf('<', from); index !== -1; index = content.indexOf('<', index + 1)) {
    if (content.slice(index, index + tag.length).toLowerCase() === tag) return index;
  }
  return -1;
}

/** `text` without a trailing proper prefix of `tag` ("<", "<th", "<think"): it may yet become the tag. */
function withoutPartialTag(text: string, tag: string): string {
  const from = Math.max(0, text.length - tag.length + 1);
  for (let index = text.indexOf('<', from); index !== -1; index = text.indexOf('<', index + 1)) {
    if (tag.startsWith(text.slice(index).toLowerCase())) return text.slice(0, index);
  }
  return text;
}
