import type { LimitValues } from '../robot-controls';
import { parseQuotaValues } from './quota-values';

/** Whom a command names: a raw id, `@名字` (resolved against the names the ledger has seen), or the current group. */
export type Target = { kind: 'id'; id: string } | { kind: 'name'; name: string } | { kind: 'this' };

export type Scope = 'user' | 'group';

export type AdminCommand =
  | { kind: 'help' }
  | { kind: 'status' }
  /** No target: everyone's usage, today and this month. */
  | { kind: 'usage'; target?: Target }
  | { kind: 'block'; target: Target }
  | { kind: 'unblock'; target: Target }
  /** Values set; UNLIMITED (quota-values.ts) removes that limit. */
  | { kind: 'quota'; scope: Scope; target: Target; values: Partial<LimitValues> }
  | { kind: 'quota-reset'; scope: Scope; target: Target }
  /** Malformed: `why` says what, in Chinese; the reply adds the syntax. */
  | { kind: 'invalid'; why: string };

const NAMES = ['/admin', '/管理'];
const SUBCOMMANDS = {
  status: ['status', '状态'],
  usage: ['usage', '用量'],
  block: ['block', '封禁'],
  unblock: ['unblock', '解封'],
  quota: ['quota', '配额'],
  help: ['help', '帮助'],
} as const;
const SCOPES: Record<Scope, readonly string[]> = { user: ['user', '用户'], group: ['group', '群'] };
const THIS = ['this', '本群'];
const RESET = ['reset', '重置'];

const is = (names: readonly string[], word: string | undefined): boolean => word !== undefined && names.includes(word.toLowerCase());
const invalid = (why: string): AdminCommand => ({ kind: 'invalid', why });

/**
 * `/admin …` or `/管理 …` (docs/controls.md §6); undefined when the text is not an admin command at all. NFKC
 * folds what Chinese keyboards type: the full-width slash, digits and `＝`. Names match case-insensitively.
 */
export function parseAdminCommand(text: string, mentions: readonly string[] = []): AdminCommand | undefined {
  const words = text.normalize('NFKC').trim().replace(/\s*=\s*/g, '=').split(/\s+/);
  if (!is(NAMES, words[0])) return undefined;
  const [sub, ...typed] = words.slice(1);
  const args = withMention(sub, typed, mentions);
  if (sub === undefined || is(SUBCOMMANDS.help, sub)) return args.length === 0 ? { kind: 'help' } : invalid('帮助 不需要参数。');
  if (is(SUBCOMMANDS.status, sub)) return args.length === 0 ? { kind: 'status' } : invalid('状态 不需要参数。');
  if (is(SUBCOMMANDS.usage, sub)) return usage(args);
  if (is(SUBCOMMANDS.block, sub)) return blocking('block', args);
  if (is(SUBCOMMANDS.unblock, sub)) return blocking('unblock', args);
  if (is(SUBCOMMANDS.quota, sub)) return quota(args);
  return invalid(`没有「${sub}」这个管理命令。`);
}

/**
 * A person picked from DingTalk's @ list is not in the text, only in the callback's `atUsers` (docs/controls.md §6):
 * one such mention fills the place where the command's target is missing.
 */
function withMention(sub: string | undefined, args: string[], mentions: readonly string[]): string[] {
  const [mention, ...more] = mentions;
  if (mention === undefined || more.length > 0 || sub === undefined) return args;
  if (is(SUBCOMMANDS.block, sub) || is(SUBCOMMANDS.unblock, sub) || is(SUBCOMMANDS.usage, sub)) return args.length === 0 ? [mention] : args;
  if (!is(SUBCOMMANDS.quota, sub)) return args;
  const [scopeWord, id, ...rest] = args;
  const targetMissing = id === undefined || id.includes('=') || is(RESET, id);
  return targetMissing && scopeWord !== undefined ? [scopeWord, mention, ...(id === undefined ? [] : [id]), ...rest] : args;
}

function usage(args: string[]): AdminCommand {
  if (args.length === 0) return { kind: 'usage' };
  if (args.length > 1) return invalid('用量 只接受一个对象：用户或群的 id、@名字，或「本群」。');
  return { kind: 'usage', target: target(args[0] ?? '') };
}

function blocking(kind: 'block' | 'unblock', args: string[]): AdminCommand {
  const verb = kind === 'block' ? '封禁' : '解封';
  if (args.length !== 1) return invalid(`请写明要${verb}的一个用户，例如「/admin ${kind} user123」或「/admin ${kind} @张三」（一次只 @ 一个人）。`);
  const who = target(args[0] ?? '');
  if (who.kind === 'this') return invalid(`${verb}的对象是用户，不能是「本群」。`);
  return { kind, target: who };
}

function quota(args: string[]): AdminCommand {
  const [scopeWord, id, ...rest] = args;
  const scope = (Object.keys(SCOPES) as Scope[]).find((name) => is(SCOPES[name], scopeWord));
  if (scope === undefined) return invalid('配额 后面请写 user（用户）或 group（群）。');
  if (id === undefined) return invalid(`请写明${scope === 'user' ? '用户' : '群'}的 id、@名字${scope === 'group' ? '或「本群」' : ''}。`);
  const who = target(id);
  if (who.kind === 'this' && scope === 'user') return invalid('「本群」指当前群，请用「/admin quota group 本群 …」。');
  if (rest.length === 1 && is(RESET, rest[0])) return { kind: 'quota-reset', scope, target: who };
  if (rest.some((word) => is(RESET, word))) return invalid('reset（重置）要单独使用，不能和其他配额一起写。');
  if (rest.length === 0) return invalid('请给出要设置的配额（day= month= rate=），或 reset 恢复配置文件的配额。');
  const values = parseQuotaValues(rest, scope);
  return typeof values === 'string' ? invalid(values) : { kind: 'quota', scope, target: who, values };
}

function target(word: string): Target {
  if (is(THIS, word)) return { kind: 'this' };
  if (word.startsWith('@') && word.length > 1) return { kind: 'name', name: word.slice(1) };
  return { kind: 'id', id: word };
}
