import { messageText, type DingTalkMessage } from '../dingtalk/schema';

/** What the worker does with a message, decided before any model call. */
export type Intent =
  | { kind: 'help' }
  | { kind: 'reset' }
  | { kind: 'unsupported'; msgtype: string }
  | { kind: 'chat'; text: string };

export interface CommandSettings {
  reset: readonly string[];
  help: readonly string[];
}

/** Commands match the whole trimmed text, case-insensitively, so "new" inside a sentence is just chat. */
export function classifyMessage(message: DingTalkMessage, commands: CommandSettings): Intent {
  const text = inputText(message);
  if (text === undefined) return { kind: 'unsupported', msgtype: message.msgtype };
  const normalized = text.toLowerCase();
  // An @-mention with nothing else is a request for help, not an empty prompt.
  if (normalized === '' || commands.help.some((name) => name.toLowerCase() === normalized)) return { kind: 'help' };
  if (commands.reset.some((name) => name.toLowerCase() === normalized)) return { kind: 'reset' };
  return { kind: 'chat', text };
}

/** The text a message carries: typed text, or DingTalk's own speech recognition of a voice message. */
function inputText(message: DingTalkMessage): string | undefined {
  if (message.msgtype === 'text') return messageText(message);
  if (message.msgtype === 'audio') {
    const recognition = message.content?.['recognition'];
    return typeof recognition === 'string' && recognition.trim() !== '' ? recognition.trim() : undefined;
  }
  return undefined;
}
