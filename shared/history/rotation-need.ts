import type { TailRead } from '../storage/append-log';
import type { HistoryRecord } from './records';

/**
 * Why a conversation's object must be replaced before the next append:
 * - full: it passed HISTORY_MAX_BYTES (a sealed object, the one a rotation is moving, counts as full too);
 * - not-appendable: it became a Normal object (overwritten with PutObject, or made so by versioning), or OSS refused
 *   an append for its size, so no append can ever succeed again.
 */
export type RotationReason = 'full' | 'not-appendable';

export function rotationNeeded(tail: TailRead, records: readonly HistoryRecord[], maxBytes: number): RotationReason | undefined {
  if (tail.length === 0) return undefined;
  if (!tail.appendable) return 'not-appendable';
  if (tail.length > maxBytes) return 'full';
  if (records.at(-1)?.t === 'sealed') return 'full';
  return undefined;
}
