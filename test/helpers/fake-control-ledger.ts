import type { InboundMessage } from '../../shared/channels/channel';
import type {
  Admission, AdminRecord, AdmitRequest, ControlLedger, ControlState, SubjectUsage,
} from '../../shared/controls/ledger/control-ledger';
import type { LimitValues } from '../../shared/controls/robot-controls';

/**
 * An in-memory ControlLedger for the parts built on the port: it keeps one state, applies admin changes the way the
 * port describes (a quota change replaces the subject's earlier values; reset drops them) and remembers every audit
 * record and every `state` read. Admission is simple bookkeeping, enough for the turn's tests, not the real fold.
 */
export interface FakeControlLedger extends ControlLedger {
  records: AdminRecord[];
  stateReads: { at: number; maxAgeMs: number }[];
  current(): ControlState;
}

export interface FakeLedgerSeed {
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

export function createFakeControlLedger(seed: FakeLedgerSeed = {}): FakeControlLedger {
  const users = mapOf(seed.users, usage);
  const groups = mapOf(seed.groups, usage);
  const blocked = new Set(seed.blocked ?? []);
  const quotas = { user: mapOf(seed.quotas?.user, (v) => v), group: mapOf(seed.quotas?.group, (v) => v) };
  const records: AdminRecord[] = [];
  const stateReads: { at: number; maxAgeMs: number }[] = [];
  let calls = seed.calls ?? { day: 0, month: 0 };
  let readAt = 0;
  const current = (): ControlState => ({
    day: seed.day ?? '2026-12-02',
    month: seed.month ?? '2026-12',
    users: new Map(users),
    groups: new Map(groups),
    calls,
    recentTurns: [],
    forcedStep: undefined,
    blocked: new Set(blocked),
    quotas: { user: new Map(quotas.user), group: new Map(quotas.group) },
    recentAdmin: records.slice(-20),
    readAt,
  });
  return {
    records,
    stateReads,
    current,
    async admit(request: AdmitRequest): Promise<Admission> {
      const { subject, at, estimate } = request;
      if (blocked.has(subject.user)) return { admitted: false, reason: 'blocked', state: current() };
      const user = users.get(subject.user) ?? usage({});
      users.set(subject.user, {
        ...user,
        ...(subject.userName === undefined ? {} : { name: subject.userName }),
        messagesToday: user.messagesToday + 1,
        tokensToday: user.tokensToday + estimate.tokens,
        tokensMonth: user.tokensMonth + estimate.tokens,
        recent: [...user.recent, at],
      });
      calls = { day: calls.day + estimate.calls, month: calls.month + estimate.calls };
      readAt = at;
      return { admitted: true, state: current() };
    },
    settle() {},
    async firstRefusalToday() {
      return true;
    },
    async reportApiLimit() {},
    async recordAdmin(record: AdminRecord): Promise<ControlState> {
      const { change } = record;
      if (change.kind === 'block') blocked.add(change.user);
      if (change.kind === 'unblock') blocked.delete(change.user);
      if (change.kind === 'quota') quotas[change.scope].set(change.id, change.values);
      if (change.kind === 'quota-reset') quotas[change.scope].delete(change.id);
      records.push(record);
      readAt = record.at;
      return current();
    },
    async state(at: number, maxAgeMs: number): Promise<ControlState> {
      stateReads.push({ at, maxAgeMs });
      return current();
    },
    async held(): Promise<ControlState> {
      return current();
    },
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
