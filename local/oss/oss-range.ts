export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

/** What a Range header asks of an object of a given size: a range, the whole object, or 416. */
export type RangeAnswer = ByteRange | 'whole' | 'unsatisfiable';

/**
 * OSS's Range behaviour (docs/function-compute.md §5). By default: one range (only the first of several is used); a
 * range that is malformed or does not fit inside the object (end past the last byte, start past the end, a suffix
 * longer than the object) is ignored and the whole object is sent with 200. With `x-oss-range-behavior: standard`
 * an end past the last byte is cut to it (206), and a start at or past the end answers 416 InvalidRange.
 */
export function resolveRange(header: string | undefined, size: number, standard = false): RangeAnswer {
  if (header === undefined) return 'whole';
  const match = /^bytes=(\d*)-(\d*)$/.exec((header.trim().split(',')[0] ?? '').trim());
  if (!match) return 'whole';
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return 'whole';
  if (first === '') {
    const suffix = Number(last);
    if (suffix > 0 && suffix <= size) return { start: size - suffix, end: size - 1 };
    if (standard && suffix > 0 && size > 0) return { start: 0, end: size - 1 };
    return 'whole';
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Number(last);
  if (standard) {
    if (last !== '' && start > end) return 'whole';
    if (start >= size) return 'unsatisfiable';
    return { start, end: Math.min(end, size - 1) };
  }
  if (size === 0) return 'whole';
  return start <= end && end < size ? { start, end } : 'whole';
}
