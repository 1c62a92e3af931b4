import { nextMidnight, nextMonthStart, MINUTE_MS } from '../beijing-time';
import { effectiveLimits, type ControlState, type LimitName, type Subject } from './control-ledger';
import type { LimitSettings } from '../robot-controls';

/** Why a message may not go to the model, or undefined when it may (docs/controls.md §1). */
export type Refusal =
  | { admitted: false; reason: 'blocked' }
  | { admitted: false; reason: 'limit'; limit: LimitName; value: number; resetsAt: number };


/**
 * The decision on `state` for a message of `subject` at `at`. Counts are what was used before this message: a
 * message is admitted while the count is under the limit, so the one that crosses a limit is the last. When several
 * limits are reached the one that frees latest is named: telling a user whose month is used up that the day resets
 * at midnight would be wrong.
 */
export function decideAdmission(state: ControlState, subject: Subject, limits: LimitSettings, at: number): Refusal | undefined {
  if (state.blocked.has(subject.user)) return { admitted: false, reason: 'blocked' };
  const { user: userLimits, group: groupLimits } = effectiveLimits(limits, state, subject);
  const user = state.users.get(subject.user);
  const group = subject.group === undefined ? undefined : state.groups.get(subject.group);
  const hits: Array<{ limit: LimitName; value: number; resetsAt: number }> = [];
  const reached = (limit: LimitName, value: number | undefined, used: number, resetsAt: () => number): void => {
    if (value !== undefined && used >= value) hits.push({ limit, value, resetsAt: resetsAt() });
  };

  const recent = (user?.recent ?? []).filter((time) => time > at - MINUTE_MS).sort((a, b) => a - b);
  const rate = userLimits.messagesPerMinute;
  // The window frees a slot when the oldest admission that keeps it full leaves the minute.
  reached('user.messagesPerMinute', rate, recent.length, () => (recent[Math.max(0, recent.length - (rate ?? 0))] ?? at) + MINUTE_MS);
  reached('user.tokensPerDay', userLimits.tokensPerDay, user?.tokensToday ?? 0, () => nextMidnight(at));
  reached('user.tokensPerMonth', userLimits.tokensPerMonth, user?.tokensMonth ?? 0, () => nextMonthStart(at));
  if (subject.group !== undefined) {
    reached('group.tokensPerDay', groupLimits.tokensPerDay, group?.tokensToday ?? 0, () => nextMidnight(at));
    reached('group.tokensPerMonth', groupLimits.tokensPerMonth, group?.tokensMonth ?? 0, () => nextMonthStart(at));
  }
  const latest = hits.reduce<(typeof hits)[number] | undefined>((best, hit) => (best === undefined || hit.resetsAt > best.resetsAt ? hit : best), undefined);
  return latest && { admitted: false, reason: 'limit', ...latest };
}
