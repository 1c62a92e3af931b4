import type { InboundMessage } from '../../shared/channels/channel';
import type { ControlState, SubjectUsage } from '../../shared/controls/ledger/control-ledger';
import type { LimitValues } from '../../shared/controls/robot-controls';

/**
 * A ControlState as data, for the functions that only read one (texts, steps): the ledger's own tests and the
 * admin commands' tests build theirs through the real ledger.
 */
export interface ControlStateSeed {
  day?: string;
  month?: string;
  users?: Record<string, Partial<SubjectUsage>>;
  groups?: Record<string, Partial<SubjectUsage>>;
  blocked?: string[];
  calls?: { day: number; month: number };
  quotas?: { user?: Record<string, Partial<LimitValues>>; group?: Record<string, Partial<LimitValues>> };
}

const usage = (seed: Partial<SubjectUsage>): SubjectUsage => ({ messagesToday: 0, tokensToday: 0, tokensMonth: 0, recent: [], ...seed });
const mapOf = <T, U>(record: Record<string, T> | undefined, f: (value: T) => U): Map<string, U> =>
  new Map(Object.entries(record ?? {}).map(([id, value]) => [id, f(value)]));

export function controlState(seed: ControlStateSeed = {}): ControlState {
  return {
    day: seed.day ?? '2026-12-02',
    month: seed.month ?? '2026-12',
    users: mapOf(seed.users, usage),
    groups: mapOf(seed.groups, usage),
    calls: seed.calls ?? { day: 0, month: 0 },
    recentTurns: [],
    forcedStep: undefined,
    blocked: new Set(seed.blocked ?? []),
    quotas: { user: mapOf(seed.quotas?.user, (values) => values), group: mapOf(seed.quotas?.group, (values) => values) },
    recentAdmin: [],
    readAt: 0,
  };
}

/** A message as a channel hands it to the turn; a group one when `group` is given. */
export function inboundMessage(options: { user?: string; name?: string; group?: string; text?: string } = {}): InboundMessage {
  const user = options.user ?? 'u-admin';
  return {
    channel: 'dingtalk',
    id: 'msg-1',
    account: 'robot-1',
    conversation: options.group === undefined ? { id: `1:1-${user}`, group: false } : { id: options.group, group: true },
    sender: { id: user, ...(options.name === undefined ? {} : { name: options.name }) },
    content: { kind: 'input', text: options.text ?? '', images: [] },
  };
}
