import type { InboundMessage } from '../../channels/channel';
import type { ControlState, SubjectUsage } from '../ledger/control-ledger';
import type { Target } from './admin-command';

export type Resolved = { ok: true; scope: 'user' | 'group'; id: string } | { ok: false; reply: string };

/**
 * Turns a command's target into an id. `@名字` matches the names the ledger has seen (a DingTalk @-mention arrives as
 * that text), exactly and case-insensitively; two people of one name are not guessed between. `scope: 'any'` (usage)
 * takes a user id first, then a group id.
 */
export function resolveTarget(target: Target, scope: 'user' | 'group' | 'any', state: ControlState, message: InboundMessage): Resolved {
  if (target.kind === 'this') {
    if (!message.conversation.group) return { ok: false, reply: '「本群」只能在群聊里使用；私聊中请写群的 id。' };
    return { ok: true, scope: 'group', id: message.conversation.id };
  }
  if (target.kind === 'id') {
    const asGroup = scope === 'group' || (scope === 'any' && !state.users.has(target.id) && state.groups.has(target.id));
    return { ok: true, scope: asGroup ? 'group' : 'user', id: target.id };
  }
  const inScope = scope === 'group' ? 'group' : 'user';
  const found = named(inScope === 'user' ? state.users : state.groups, target.name);
  const alsoGroups = scope === 'any' && found.length === 0 ? named(state.groups, target.name) : [];
  const matches = found.length > 0 ? found : alsoGroups;
  const resolvedScope = found.length > 0 ? inScope : 'group';
  if (matches.length === 1) return { ok: true, scope: resolvedScope, id: matches[0] ?? '' };
  if (matches.length === 0) {
    return { ok: false, reply: `今天和本月的记录里没有名为「${target.name}」的${inScope === 'user' ? '用户' : '群'}，请改用 id。` };
  }
  return { ok: false, reply: `有 ${matches.length} 个都叫「${target.name}」：${matches.join('、')}。请改用 id。` };
}

function named(subjects: ReadonlyMap<string, SubjectUsage>, name: string): string[] {
  const wanted = name.normalize('NFKC').toLowerCase();
  return [...subjects].filter(([, usage]) => usage.name?.normalize('NFKC').toLowerCase() === wanted).map(([id]) => id);
}
