import type { LimitValues } from '../robot-controls';
import type { AdminRecord, ControlState, SubjectUsage } from './control-ledger';
import type { DayFold, Usage } from './ledger-fold';
import type { AdminLine } from './ledger-records';
import { MINUTE_MS } from '../beijing-time';

/** admin.jsonl folded: blocks and quota changes in force, and the latest changes for `/admin status`. */
export interface AdminFold {
  blocked: Set<string>;
  quotas: { user: Map<string, Partial<LimitValues>>; group: Map<string, Partial<LimitValues>> };
  recent: AdminRecord[];
}

const RECENT_ADMIN = 20;

export const emptyAdmin = (): AdminFold => ({ blocked: new Set(), quotas: { user: new Map(), group: new Map() }, recent: [] });

/** Applies one admin change, in place; later changes win. */
export function foldAdminLine(fold: AdminFold, line: AdminLine): void {
  const { change } = line;
  switch (change.kind) {
    case 'block':
      fold.blocked.add(change.user);
      break;
    case 'unblock':
      fold.blocked.delete(change.user);
      break;
    case 'quota': {
      const quotas = fold.quotas[change.scope];
      quotas.set(change.id, { ...quotas.get(change.id), ...change.values });
      break;
    }
    case 'quota-reset':
      fold.quotas[change.scope].delete(change.id);
  }
  const record: AdminRecord = { by: line.by, ...(line.byName === undefined ? {} : { byName: line.byName }), at: line.at, change };
  fold.recent = [...fold.recent, record].slice(-RECENT_ADMIN);
}

function usageAt(usage: Usage, at: number): SubjectUsage {
  return {
    ...(usage.name === undefined ? {} : { name: usage.name }),
    messagesToday: usage.messagesToday,
    tokensToday: usage.tokensToday,
    tokensMonth: usage.tokensMonth,
    recent: usage.times.filter((time) => time > at - MINUTE_MS).sort((a, b) => a - b),
  };
}

/** The port's view of the folds at `at` (recent times are the minute before `at`; a forced step only while it holds). */
export function controlState(day: string, fold: DayFold, admin: AdminFold, at: number, readAt: number): ControlState {
  const forced = fold.forced !== undefined && fold.forced.until > at ? fold.forced : undefined;
  const copy = (map: Map<string, Usage>) => new Map([...map].map(([id, usage]) => [id, usageAt(usage, at)]));
  return {
    day,
    month: day.slice(0, 7),
    users: copy(fold.users),
    groups: copy(fold.groups),
    calls: { ...fold.calls },
    recentTurns: fold.turns.filter((time) => time > at - MINUTE_MS).sort((a, b) => a - b),
    forcedStep: forced && { step: forced.step, reason: forced.reason, at: forced.at, until: forced.until },
    blocked: new Set(admin.blocked),
    quotas: { user: new Map(admin.quotas.user), group: new Map(admin.quotas.group) },
    recentAdmin: [...admin.recent],
    readAt,
  };
}
