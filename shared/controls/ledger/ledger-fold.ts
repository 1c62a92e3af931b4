import { stepIndex, CARD_STEPS } from '../budget/card-step';
import { nextMonthStart, MINUTE_MS } from '../beijing-time';
import type { DayLine, Settle } from './ledger-records';

/**
 * A day object's lines folded into counts (docs/controls.md §1). Pure and deterministic: every instance that has read
 * the same bytes holds the same fold, whether it folded them at once or a few at a time, because lines are applied
 * in order and each one's effect depends only on the lines before it. Unreadable lines never get here
 * (ledger-lines.ts skips them).
 */
export interface Usage {
  name: string | undefined;
  messagesToday: number;
  tokensToday: number;
  tokensMonth: number;
  /** Admission times, the last two minutes' worth (a minute is all the rate limit and pacing look at). */
  times: number[];
}

export interface Forcing {
  step: (typeof CARD_STEPS)[number];
  reason: 'quota-exhausted' | 'qps-limit';
  at: number;
  until: number;
}

interface Admitted {
  user: string;
  group: string | undefined;
  tokens: number;
  calls: number;
  settled: boolean;
}

export interface DayFold {
  users: Map<string, Usage>;
  groups: Map<string, Usage>;
  calls: { day: number; month: number };
  admits: Map<string, Admitted>;
  /** Who was told today, by the message that told them (the first told line of a user counts). */
  told: Map<string, string | undefined>;
  turns: number[];
  forced: Forcing | undefined;
  /** The longest admin.jsonl any marker names. */
  adminPos: number;
  /** Lines folded so far: an `open` counts only as the first. */
  lines: number;
}

export const QPS_HOLD_MS = 10 * 60_000;
/** QpsLimit answers closer together than this are one burst. */
export const QPS_BURST_MS = 60_000;
const KEEP_MS = 120_000;

export function emptyDay(): DayFold {
  return { users: new Map(), groups: new Map(), calls: { day: 0, month: 0 }, admits: new Map(), told: new Map(), turns: [], forced: undefined, adminPos: 0, lines: 0 };
}

function usageOf(map: Map<string, Usage>, id: string): Usage {
  let usage = map.get(id);
  if (usage === undefined) {
    usage = { name: undefined, messagesToday: 0, tokensToday: 0, tokensMonth: 0, times: [] };
    map.set(id, usage);
  }
  return usage;
}

const remember = (times: number[], at: number): number[] => [...times.filter((time) => time > at - KEEP_MS), at];

function applySettle(fold: DayFold, settle: readonly Settle[] | undefined): void {
  for (const entry of settle ?? []) {
    const admitted = fold.admits.get(entry.id);
    // Not admitted today (an admit of yesterday, or a foreign id) or settled already: nothing to correct.
    if (admitted === undefined || admitted.settled) continue;
    admitted.settled = true;
    // Without tokens (the model failed, so nobody knows what it billed) the reservation stands.
    const tokens = (entry.tokens ?? admitted.tokens) - admitted.tokens;
    for (const usage of [fold.users.get(admitted.user), admitted.group === undefined ? undefined : fold.groups.get(admitted.group)]) {
      if (usage === undefined) continue;
      usage.tokensToday += tokens;
      usage.tokensMonth += tokens;
    }
    fold.calls.day += entry.calls - admitted.calls;
    fold.calls.month += entry.calls - admitted.calls;
  }
}

/** The step a DingTalk limit forces from `line.at`: the month's end in markdown, or one step lower for ten minutes. */
function forcing(current: Forcing | undefined, kind: 'quota-exhausted' | 'qps-limit', at: number): Forcing {
  if (kind === 'quota-exhausted') return { step: 'markdown', reason: kind, at, until: nextMonthStart(at) };
  const holding = current !== undefined && current.until > at ? current : undefined;
  // One burst of refusals reaches several instances at once: it lowers the step once.
  if (holding !== undefined && (holding.reason === 'quota-exhausted' || at - holding.at < QPS_BURST_MS)) return holding;
  // A second QpsLimit while the first still holds: still too fast, so one step lower again.
  const step = CARD_STEPS[Math.min(CARD_STEPS.length - 1, (holding ? stepIndex(holding.step) : 0) + 1)] ?? 'markdown';
  return { step, reason: kind, at, until: at + QPS_HOLD_MS };
}

/** Applies one line to `fold`, in place. */
export function foldLine(fold: DayFold, line: DayLine): void {
  fold.lines += 1;
  switch (line.t) {
    case 'open':
      if (fold.lines !== 1) return;
      for (const [map, carriedMap] of [[fold.users, line.users], [fold.groups, line.groups]] as const) {
        for (const [id, carried] of Object.entries(carriedMap)) Object.assign(usageOf(map, id), { name: carried.n, tokensMonth: carried.tokens, times: carried.r ?? [] });
      }
      fold.calls.month = line.calls;
      if (line.forced) fold.forced = { ...line.forced, until: line.forced.until ?? nextMonthStart(line.at) };
      fold.adminPos = Math.max(fold.adminPos, line.admin ?? 0);
      return;
    case 'admit': {
      applySettle(fold, line.settle);
      // A second admit of one message (two instances raced on its redelivery): the first one counts.
      if (fold.admits.has(line.id)) return;
      fold.admits.set(line.id, { user: line.u, group: line.g, tokens: line.est.tokens, calls: line.est.calls, settled: false });
      const user = usageOf(fold.users, line.u);
      if (line.n !== undefined) user.name = line.n;
      for (const usage of [user, ...(line.g === undefined ? [] : [usageOf(fold.groups, line.g)])]) {
        usage.messagesToday += 1;
        usage.tokensToday += line.est.tokens;
        usage.tokensMonth += line.est.tokens;
        usage.times = remember(usage.times, line.at);
      }
      fold.calls.day += line.est.calls;
      fold.calls.month += line.est.calls;
      fold.turns = remember(fold.turns, line.at);
      return;
    }
    case 'told':
      applySettle(fold, line.settle);
      if (!fold.told.has(line.u)) fold.told.set(line.u, line.id);
      return;
    case 'limit':
      applySettle(fold, line.settle);
      fold.forced = forcing(fold.forced, line.kind, line.at);
      return;
    case 'admin':
      applySettle(fold, line.settle);
      fold.adminPos = Math.max(fold.adminPos, line.pos);
      return;
    case 'settle':
      applySettle(fold, line.settle);
  }
}

/** What this month used up to the end of `fold`'s day, as the next day's first line carries it. */
export function carryOf(fold: DayFold, day: string, at: number): Extract<DayLine, { t: 'open' }> {
  const carried = (map: Map<string, Usage>) =>
    Object.fromEntries(
      [...map].map(([id, usage]) => {
        const recent = usage.times.filter((time) => time > at - MINUTE_MS);
        return [id, { ...(usage.name === undefined ? {} : { n: usage.name }), tokens: usage.tokensMonth, ...(recent.length === 0 ? {} : { r: recent }) }];
      }),
    );
  const forced = fold.forced !== undefined && fold.forced.until > at ? fold.forced : undefined;
  return { t: 'open', day, at, users: carried(fold.users), groups: carried(fold.groups), calls: fold.calls.month, ...(forced ? { forced } : {}), ...(fold.adminPos > 0 ? { admin: fold.adminPos } : {}) };
}
