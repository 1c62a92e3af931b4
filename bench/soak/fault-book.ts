import { FAULT_KINDS, type FaultKind, type SoakMessage } from './plan';

/**
 * Which planned fault is still due, message by message: each fault fires on the first chances it gets (a kill once,
 * a storm of 409s on the next N appends) and then lets the worker through, so retries can succeed. Every fault that
 * fired is counted, by kind, as responses and as messages.
 */
export function createFaultBook(messages: readonly SoakMessage[]) {
  const remaining = new Map<string, { kind: FaultKind; left: number }>();
  for (const message of messages) if (message.fault) remaining.set(message.msgId, { kind: message.fault.kind, left: message.fault.times });
  const injected = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
  const hit = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, new Set<string>()])) as Record<FaultKind, Set<string>>;

  /** True (and counted) when `kind` is the message's fault and it has a response left. */
  function take(msgId: string | undefined, kind: FaultKind): boolean {
    const due = msgId === undefined ? undefined : remaining.get(msgId);
    if (due?.kind !== kind || due.left <= 0 || msgId === undefined) return false;
    due.left -= 1;
    note(msgId, kind);
    return true;
  }

  /** Counts a fault injected outside a proxy (a redelivery the driver or the FC queue performed). */
  function note(msgId: string, kind: FaultKind): void {
    injected[kind] += 1;
    hit[kind].add(msgId);
  }

  const planned = (kind: FaultKind): number => messages.filter((message) => message.fault?.kind === kind).length;
  /** Per kind: messages planned to meet it, messages it reached, and the responses (or kills, redeliveries) injected. */
  const summary = () =>
    FAULT_KINDS.map((kind) => ({ kind, planned: planned(kind), messages: hit[kind].size, responses: injected[kind] }));

  return { take, note, summary };
}

export type FaultBook = ReturnType<typeof createFaultBook>;
