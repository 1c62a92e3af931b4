import { list, type Env } from './env';

/**
 * The words that reset a conversation or ask for help. The worker acts on them; the WeChat callback names the first
 * help command in its welcome, so both read them here and a custom HELP_COMMANDS never leaves the welcome naming a
 * command that does nothing.
 */
export const resetCommands = (env: Env): string[] => list(env, 'RESET_COMMANDS', ['新对话', '清空会话', '重置', 'new', '/new', '/新对话']);
export const helpCommands = (env: Env): string[] => list(env, 'HELP_COMMANDS', ['帮助', 'help', '/help', '/帮助']);
