import { type DemoMessage, picturesOf, textOf } from './demo-request';

/** What the demo answer is made from: only what the request says, so the same request always gets the same answer. */
export interface DemoConversation {
  /** The number of user messages sent: the worker sends the history it kept, then the new message. */
  turn: number;
  /** The last user message's text. */
  last: string;
  /** The user message before it, when the history holds one. */
  previous?: string;
  /** Picture parts (image_url) in the last user message. */
  pictures: number;
  /** The last user message asks for something long (长 / 详细 / long). */
  long: boolean;
}

const LONG_REQUEST = /长|详细|long/i;

export function readConversation(messages: readonly DemoMessage[]): DemoConversation {
  const users = messages.filter((message) => message.role === 'user');
  const lastMessage = users.at(-1);
  const previousMessage = users.at(-2);
  const last = lastMessage === undefined ? '' : textOf(lastMessage);
  return {
    turn: users.length,
    last,
    ...(previousMessage !== undefined && { previous: textOf(previousMessage) }),
    pictures: lastMessage === undefined ? 0 : picturesOf(lastMessage),
    long: LONG_REQUEST.test(last),
  };
}

/**
 * A message as one line for a quote: whitespace collapsed (a line break would end a markdown paragraph or quote),
 * cut at `maxChars` code points so a CJK character or an emoji is never split.
 */
export function quote(text: string, maxChars: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return '（没有文字）';
  const chars = Array.from(flat);
  return chars.length > maxChars ? `${chars.slice(0, maxChars).join('')}…` : flat;
}
