import { AppendConflictError, NotAppendableError } from '../errors';
import type { ConversationView } from './conversation-history';
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
  // A Normal object takes no seal: a lock object, created by whoever comes first, says who moves it.
  const lock = `${view.key}.moving-${view.position}`;
  const claim = `${JSON.stringify({ by, at, until })}\n`;
  try {
    await log.append(lock, 0, claim);
    return at;
  } catch (error) {
    if (!(error instanceof AppendConflictError)) throw error;
  }
  const held = await log.readAll(lock, 64 * 1024);
  const holder = lastHolder(held?.toString('utf8') ?? '');
  if (holder && holder.by !== by && holder.until > at) return undefined;
  await log.append(lock, held?.length ?? 0, claim);
  return holder?.by === by ? holder.at : at;
}

function lastHolder(text: string): { by: string; at: number; until: number } | undefined {
  const last = text.trim().split('\n').at(-1);
  try {
    const value: unknown = JSON.parse(last ?? '');
    if (typeof value !== 'object' || value === null) return undefined;
    const { by, at, until } = value as Record<string, unknown>;
    return typeof by === 'string' && typeof at === 'number' && typeof until === 'number' ? { by, at, until } : undefined;
  } catch {
    return undefined;
  }
}
