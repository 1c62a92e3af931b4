import type { AdminChange, ControlState } from '../ledger/control-ledger';
import type { LimitValues } from '../robot-controls';
import { limitValueText } from './control-texts';

/** The admins' own texts (docs/controls.md §6): the syntax, and how a change reads in replies and `状态`. */
export const ADMIN_SYNTAX = [
  '### 管理命令（/admin 或 /管理）',
  '- `/admin status`（状态）：版本、模型、生效的限额、封禁人数、钉钉接口用量和卡片模式、最近的管理操作',
  '- `/admin usage [id|@名字|本群]`（用量）：今日和本月的用量；不写对象则列出用量最多的用户和群',
  '- `/admin block <id|@名字>`（封禁）、`/admin unblock <id|@名字>`（解封）',
  '- `/admin quota user <id|@名字> day=N month=N rate=N`（配额 用户 … 日= 月= 每分钟=）',
  '- `/admin quota group <id|本群> day=N month=N`（配额 群 …）',
  '- `/admin quota user|group <对象> reset`（重置：恢复配置文件的配额）',
  '',
  'N 可写 10k（= 10,000）、2w 或 2万（= 20,000）；none 或 不限 表示不限。day/month 是 tokens，rate 是每分钟条数。',
].join('\n');

export const adminHelp = (): string => ADMIN_SYNTAX;
export const invalidReply = (why: string): string => `${why}\n\n${ADMIN_SYNTAX}`;

/** Every instance re-reads the admins' changes when its view is older than a minute (docs/controls.md §6). */
export const APPLIES_SOON = '所有实例会在一分钟内生效。';

/** A subject as admins recognise it: the last name the ledger saw, and the id that commands accept. */
export function displayName(state: ControlState, scope: 'user' | 'group', id: string): string {
  const name = (scope === 'user' ? state.users : state.groups).get(id)?.name;
  return name === undefined || name === id ? id : `${name}（${id}）`;
}

export const scopeLabel = (scope: 'user' | 'group'): string => (scope === 'user' ? '用户' : '群');

const KEYS_BY_SCOPE: Record<'user' | 'group', readonly (keyof LimitValues)[]> = {
  user: ['messagesPerMinute', 'tokensPerDay', 'tokensPerMonth'],
  group: ['tokensPerDay', 'tokensPerMonth'],
};

/** `每分钟 10 条、每日 不限`: the keys given, in a fixed order; with `all`, every key of the scope. */
export function limitsText(scope: 'user' | 'group', values: Partial<LimitValues>, all = false): string {
  const keys = KEYS_BY_SCOPE[scope].filter((key) => all || key in values);
  return keys.map((key) => limitValueText(key, values[key])).join('、');
}

export function describeChange(change: AdminChange, state: ControlState): string {
  switch (change.kind) {
    case 'block':
      return `封禁 ${displayName(state, 'user', change.user)}`;
    case 'unblock':
      return `解封 ${displayName(state, 'user', change.user)}`;
    case 'quota':
      return `设置${scopeLabel(change.scope)} ${displayName(state, change.scope, change.id)} 的配额：${limitsText(change.scope, change.values)}`;
    case 'quota-reset':
      return `恢复${scopeLabel(change.scope)} ${displayName(state, change.scope, change.id)} 的配额为配置文件的`;
  }
}
