import type { HistoryRecord } from './records';

/**
 * What the log says about one DingTalk message, seen by one delivery of it:
 * - answered: a terminal record exists, so any further delivery does nothing;
 * - busy: another delivery holds an unexpired claim and is answering it now;
 * - resumed: this same delivery claimed it before and died (FC retries replay the payload, deliveryId included);
 * - free: nobody has it, or an earlier claim expired with its holder.
 */
export type MessageState = 'answered' | 'busy' | 'resumed' | 'free';

export function messageState(records: readonly HistoryRecord[], msgId: string, deliveryId: string, nowMs: number): MessageState {
  let latestClaim: { by: string; until: number } | undefined;
  for (const record of records) {
    if (record.id !== msgId) continue;
    if (record.t !== 'claim') return 'answered';
    latestClaim = record;
  }
  if (latestClaim === undefined) return 'free';
  if (latestClaim.by === deliveryId) return 'resumed';
  return latestClaim.until > nowMs ? 'busy' : 'free';
}
