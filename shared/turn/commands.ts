import { messageText, type DingTalkMessage } from '../channels/dingtalk/schema';

/** What the worker does with a message, decided before any model call. */
export type Intent =
  | { kind: 'help'; unknownCommand?: string }
  | { kind: 'reset' }
  | { kind: 'persona'; text: string }
  | { kind: 'model'; name: string }
  | { kind: 'usage' }
  | { kind: 'unsupported'; msgtype: string }
  | { kind: 'chat'; text: string; images: string[] };

export interface CommandSettings {
  reset: readonly string[];
  help: readonly string[];
}

/** Slash commands that take an argument or read settings; each has an English and a Chinese name. */
export const SLASH_COMMANDS = {
  persona: ['/system', '/人设'],
  model: ['/model', '/模型'],
  usage: ['/usage', '/用量'],
} as const;

/**
 * Commands match the whole trimmed text (reset, help) or its first word (slash commands), case-insensitively, so
 * "new" inside a sentence is just chat. A full-width slash counts too: Chinese keyboards type "／".
 */
export function classifyMessage(message: DingTalkMessage, commands: CommandSettings): Intent {
  const input = messageInput(message);
  if (input === undefined) return { kind: 'unsupported', msgtype: message.msgtype };
  const text = input.text.replace(/^／/, '/');
  const normalized = text.toLowerCase();
  if (input.images.length > 0) return { kind: 'chat', text, images: input.images };
  // An @-mention with nothing else is a request for help, not an empty prompt.
  if (normalized === '' || commands.help.some((name) => name.toLowerCase() === normalized)) return { kind: 'help' };
  if (commands.reset.some((name) => name.toLowerCase() === normalized)) return { kind: 'reset' };
  const slash = /^(\/[^\s/]+)(?:\s+([\s\S]*))?$/.exec(text);
  if (!slash) return { kind: 'chat', text, images: [] };
  const name = (slash[1] ?? '').toLowerCase();
  const argument = (slash[2] ?? '').trim();
  if (matches(SLASH_COMMANDS.persona, name)) return { kind: 'persona', text: argument };
  if (matches(SLASH_COMMANDS.model, name)) return { kind: 'model', name: argument };
  if (matches(SLASH_COMMANDS.usage, name)) return { kind: 'usage' };
  // "/usr/bin 是什么" has a second slash and is chat; "/foo" is a command we do not know, and gets help.
  return { kind: 'help', unknownCommand: slash[1] ?? name };
}

const matches = (names: readonly string[], name: string): boolean => names.some((candidate) => candidate === name);

/**
 * The text and pictures a message carries: typed text; DingTalk's own speech recognition of a voice message; a
 * picture's download code; or the text and pictures of a rich-text message. Undefined for what the bot cannot read.
 */
export function messageInput(message: DingTalkMessage): { text: string; images: string[] } | undefined {
  const content = message.content ?? {};
  switch (message.msgtype) {
    case 'text':
      return { text: messageText(message), images: [] };
    case 'audio': {
      const recognition = content['recognition'];
      return typeof recognition === 'string' && recognition.trim() !== '' ? { text: recognition.trim(), images: [] } : undefined;
    }
    case 'picture': {
      const code = content['downloadCode'] ?? content['pictureDownloadCode'];
      return typeof code === 'string' && code !== '' ? { text: '', images: [code] } : undefined;
    }
    case 'richText':
      return richTextInput(content['richText']);
    default:
      return undefined;
  }
}

function richTextInput(items: unknown): { text: string; images: string[] } | undefined {
  if (!Array.isArray(items)) return undefined;
  const texts: string[] = [];
  const images: string[] = [];
  for (const item of items as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const { text, downloadCode, pictureDownloadCode } = item as Record<string, unknown>;
    if (typeof text === 'string') texts.push(text);
    const code = downloadCode ?? pictureDownloadCode;
    if (typeof code === 'string' && code !== '') images.push(code);
  }
  const text = texts.join('').trim();
  return text === '' && images.length === 0 ? undefined : { text, images };
}
