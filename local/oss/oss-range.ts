export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

/**
 * OSS's default Range behaviour: one range (only the first of several is used); a range that is malformed or does
 * not fit inside the object (end past the last byte, start past the end, a suffix longer than the object) is
 * ignored and the whole object is sent with 200. Returns undefined for "send the whole object".
 */
export function resolveRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined || size === 0) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec((header.trim().split(',')[0] ?? '').trim());
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    return suffix > 0 && suffix <= size ? { start: size - suffix, end: size - 1 } : undefined;
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Number(last);
  return start <= end && end < size ? { start, end } : undefined;
}
