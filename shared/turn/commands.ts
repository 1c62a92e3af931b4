import type { InboundMessage } from '../channels/channel';

/** What the worker does with a message, decided before any model call. */
export type Intent =
  | { kind: 'help'; unknownCommand?: string }
  | { kind: 'reset' }
  /** The sender asked to be forgotten, or left: their history goes and nothing is sent (forget-sender.ts). */
  | { kind: 'forget' }
  | { kind: 'persona'; text: string }
  | { kind: 'model'; name: string }
  | { kind: 'usage' }
  /** `/admin …`: run for the robot's admins; anyone else gets the help for an unknown command. */
  | { kind: 'admin'; text: string }
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
  admin: ['/admin', '/管理'],
} as const;

/**
 * Commands match the whole trimmed text (reset, help) or its first word (slash commands), case-insensitively, so
 * "new" inside a sentence is just chat. A full-width slash counts too: Chinese keyboards type "／".
 */
export function classifyMessage(message: InboundMessage, commands: CommandSettings): Intent {
  const input = message.content;
  if (input.kind === 'unsupported') return { kind: 'unsupported', msgtype: input.type };
  if (input.kind === 'forget') return { kind: 'forget' };
  const text = input.text.replace(/^／/, '/');
  const normalized = text.toLowerCase();
  if (input.images.length > 0) return { kind: 'chat', text, images: [...input.images] };
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
  if (matches(SLASH_COMMANDS.admin, name)) return { kind: 'admin', text };
  // "/usr/bin 是什么" has a second slash and is chat; "/foo" is a command we do not know, and gets help.
  return { kind: 'help', unknownCommand: slash[1] ?? name };
}

const matches = (names: readonly string[], name: string): boolean => names.some((candidate) => candidate === name);
