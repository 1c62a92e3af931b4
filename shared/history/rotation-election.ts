import { NotAppendableError } from '../errors';
import type { ConversationView } from './conversation-history';
import { claimLease } from './message-claims';
import { serializeRecord } from './records';
import type { RotationOptions } from './rotation';

/**
 * Who moves a conversation's object (rotation.ts): an appendable object takes a `sealed` line at the position read,
 * which only one writer's append can land and after which nobody appends; a Normal one cannot, so whoever creates
 * its lock object first moves it. A lease lets the next writer take over from a mover that died.
 */

/** Becomes the mover, or not (undefined: someone else is moving it now). Returns when this move began. */
export async function elect(view: ConversationView, options: Pick<RotationOptions, 'log' | 'by' | 'id' | 'leaseMs'>, at: number): Promise<number | undefined> {
  const { log, by } = options;
  const until = at + options.leaseMs;
  if (view.rotation === 'full') {
    const last = view.records.at(-1);
    if (last?.t === 'sealed' && last.by !== by && last.until > at) return undefined;
    if (last?.t === 'sealed' && last.by === by) return last.at;
    try {
      await log.append(view.key, view.position, serializeRecord({ t: 'sealed', id: options.id, at, by, until }));
      return at;
    } catch (error) {
      // OSS refused the seal for the object's size: nobody can append any more, so it is moved like a Normal one.
      if (!(error instanceof NotAppendableError)) throw error;
    }
  }
  // A Normal object takes no seal: a lease on a lock object, the same one a message is claimed with, says who moves it.
  const lease = await claimLease(log, { key: `${view.key}.moving-${view.position}`, by, at, until });
  if (lease.kind === 'busy') return undefined;
  return lease.kind === 'new' ? at : lease.since;
}
