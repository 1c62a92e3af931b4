import type { AccessRefusal } from '../access/access-decision';
import { effectiveLimits, type ControlState, type LimitName, type Subject, type SubjectUsage } from '../ledger/control-ledger';
import type { LimitSettings, LimitValues } from '../robot-controls';
import { BEIJING, beijingDay, formatBeijing, formatBeijingClock, nextMidnight, nextMonthStart, MINUTE_MS } from '../beijing-time';
import { isUnlimited } from './quota-values';

/**
 * What the turn says about access and limits (docs/controls.md §6). Refusals never say which list refused or
 * who else is on it: the lists are the company's business, and the admins are the people to ask.
 */
export const count = (value: number): string => value.toLocaleString('en-US');

const ASK_ADMIN = '如有需要请联系管理员。';

/** Sent once per user per Beijing day (ControlLedger.firstRefusalToday); later messages get no answer. */
export function accessRefusal(reason: AccessRefusal): string {
  switch (reason) {
    case 'denied-user':
    case 'not-allowed-user':
      return `抱歉，你暂时没有使用这个机器人的权限。${ASK_ADMIN}`;
    case 'denied-group':
    case 'not-allowed-group':
      return `抱歉，这个机器人暂时不在本群提供服务。${ASK_ADMIN}`;
    case 'blocked':
      return `抱歉，你使用这个机器人的权限已被管理员暂停。${ASK_ADMIN}`;
  }
}

/** A limit as people say it: 每分钟 10 条, 每日 100,000 tokens, 每月 不限. */
export function limitValueText(key: keyof LimitValues, value: number | undefined): string {
  const per = key === 'messagesPerMinute' ? '每分钟' : key === 'tokensPerDay' ? '每日' : '每月';
  if (isUnlimited(value)) return `${per} 不限`;
  return `${per} ${count(value ?? 0)} ${key === 'messagesPerMinute' ? '条' : 'tokens'}`;
}

const PERIOD: Record<LimitName, { who: string; what: string; key: keyof LimitValues }> = {
  'user.messagesPerMinute': { who: '你', what: '本分钟的消息', key: 'messagesPerMinute' },
  'user.tokensPerDay': { who: '你', what: '今天的用量', key: 'tokensPerDay' },
  'user.tokensPerMonth': { who: '你', what: '本月的用量', key: 'tokensPerMonth' },
  'group.tokensPerDay': { who: '本群', what: '今天的用量', key: 'tokensPerDay' },
  'group.tokensPerMonth': { who: '本群', what: '本月的用量', key: 'tokensPerMonth' },
};

/** Which limit, its value, and when the user may try again (the ledger's `resetsAt`). */
export function limitRefusal(limit: LimitName, value: number, resetsAt: number): string {
  const { who, what, key } = PERIOD[limit];
  const reached = `${who}${what}已达上限（${limitValueText(key, value)}）`;
  if (key === 'messagesPerMinute') return `${reached}，请在 ${formatBeijingClock(resetsAt)}${BEIJING}后再试。`;
  return `${reached}，将在 ${formatBeijing(resetsAt)}${BEIJING}恢复。`;
}

const remaining = (limit: number, used: number): string => `剩余 ${count(Math.max(0, limit - used))} / ${count(limit)}`;

function tokenLine(label: string, limit: number | undefined, used: number, resetsAt: number): string {
  if (isUnlimited(limit)) return `- ${label}：不限（已用 ${count(used)}）`;
  return `- ${label}：${remaining(limit ?? 0, used)}，${formatBeijing(resetsAt)}${BEIJING}重置`;
}

function rateLine(limit: number | undefined, recent: readonly number[], now: number): string {
  if (isUnlimited(limit)) return '- 本分钟消息：不限';
  const inWindow = recent.filter((at) => at > now - MINUTE_MS).sort((a, b) => a - b);
  const left = `- 本分钟消息：${remaining(limit ?? 0, inWindow.length)} 条`;
  const oldest = inWindow[0];
  return oldest === undefined ? left : `${left}，${formatBeijingClock(oldest + MINUTE_MS)}${BEIJING}起恢复 1 条`;
}

const NONE_USED: SubjectUsage = { messagesToday: 0, tokensToday: 0, tokensMonth: 0, recent: [] };

/** A view read before Beijing midnight (or the 1st) still holds the last day's (month's) counts: they do not apply now. */
function current(usage: SubjectUsage | undefined, state: ControlState, now: number): SubjectUsage {
  const today = beijingDay(now);
  const { tokensToday, tokensMonth } = usage ?? NONE_USED;
  return {
    ...(usage ?? NONE_USED),
    tokensToday: state.day === today ? tokensToday : 0,
    tokensMonth: state.month === today.slice(0, 7) ? tokensMonth : 0,
  };
}

/**
 * `/usage`'s part about limits: what the sender, and the group when in one, has left now and when each count starts
 * again. `limits` are the controls file's; the admins' quota changes in `state` are applied here (applying them twice
 * changes nothing). The lead puts these lines beside the conversation's own token figures.
 */
export function usageReport(state: ControlState, subject: Subject, limits: LimitSettings, now: number): string[] {
  const inForce = effectiveLimits(limits, state, subject);
  const day = nextMidnight(now);
  const month = nextMonthStart(now);
  const user = current(state.users.get(subject.user), state, now);
  const lines = [
    '**你的额度**',
    rateLine(inForce.user.messagesPerMinute, user.recent, now),
    tokenLine('今日 tokens', inForce.user.tokensPerDay, user.tokensToday, day),
    tokenLine('本月 tokens', inForce.user.tokensPerMonth, user.tokensMonth, month),
  ];
  if (subject.group === undefined) return lines;
  const group = current(state.groups.get(subject.group), state, now);
  return [
    ...lines,
    '',
    '**本群额度**（全体成员共用）',
    tokenLine('今日 tokens', inForce.group.tokensPerDay, group.tokensToday, day),
    tokenLine('本月 tokens', inForce.group.tokensPerMonth, group.tokensMonth, month),
  ];
}
