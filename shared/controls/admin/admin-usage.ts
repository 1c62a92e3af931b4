import { effectiveLimits, type ControlState, type SubjectUsage } from '../ledger/control-ledger';
import type { LimitSettings } from '../robot-controls';
import { displayName, limitsText, scopeLabel } from './admin-texts';
import { BEIJING } from '../beijing-time';
import { count } from './control-texts';

const TOP = 10;
type Scope = 'user' | 'group';

/** `/admin usage`: the users and groups that used most today and this month, by tokens (docs/controls.md §6). */
export function usageOverview(state: ControlState): string {
  return [
    `### 用量 · ${state.day}${BEIJING}`,
    ...section(state, 'user', 'today'),
    ...section(state, 'group', 'today'),
    ...section(state, 'user', 'month'),
    ...section(state, 'group', 'month'),
  ].join('\n');
}

function section(state: ControlState, scope: Scope, period: 'today' | 'month'): string[] {
  const subjects = [...(scope === 'user' ? state.users : state.groups)];
  const tokens = (usage: SubjectUsage): number => (period === 'today' ? usage.tokensToday : usage.tokensMonth);
  const used = subjects.filter(([, usage]) => tokens(usage) > 0 || (period === 'today' && usage.messagesToday > 0));
  used.sort(([a, left], [b, right]) => tokens(right) - tokens(left) || a.localeCompare(b));
  const unit = scope === 'user' ? '人' : '个';
  const title = `**${period === 'today' ? '今日' : `本月（${state.month}）`} · ${scopeLabel(scope)}**`;
  if (used.length === 0) return ['', title, '（无）'];
  const shown = used.slice(0, TOP).map(([id, usage], index) => {
    const messages = period === 'today' ? `${count(usage.messagesToday)} 条，` : '';
    return `${index + 1}. ${displayName(state, scope, id)}：${messages}${count(tokens(usage))} tokens`;
  });
  const more = used.length > TOP ? `（按 tokens 前 ${TOP}，共 ${count(used.length)} ${unit}）` : `（共 ${count(used.length)} ${unit}）`;
  return ['', `${title}${more}`, ...shown];
}

/** One user's or group's usage, the limits in force for it, and whether an admin changed them or blocked the user. */
export function usageOfOne(state: ControlState, scope: Scope, id: string, limits: LimitSettings): string {
  const usage = (scope === 'user' ? state.users : state.groups).get(id);
  const subject = scope === 'user' ? { user: id } : { user: '', group: id };
  const inForce = effectiveLimits(limits, state, subject)[scope];
  const own = (scope === 'user' ? state.quotas.user : state.quotas.group).has(id);
  return [
    `**${scopeLabel(scope)} ${displayName(state, scope, id)}**${BEIJING}`,
    `- 今日（${state.day}）：${count(usage?.messagesToday ?? 0)} 条，${count(usage?.tokensToday ?? 0)} tokens`,
    `- 本月（${state.month}）：${count(usage?.tokensMonth ?? 0)} tokens`,
    `- 配额：${limitsText(scope, inForce, true)}（${own ? '管理员单独设置' : '配置文件'}）`,
    ...(scope === 'user' && state.blocked.has(id) ? ['- 已被封禁'] : []),
  ].join('\n');
}
