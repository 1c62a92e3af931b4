import * as v from 'valibot';
import type { ObjectMeta } from './object-store';

/**
 * An object's metadata as the file backend keeps it next to the bytes. `length` is the committed length: bytes past
 * it belong to an append that never completed. Sidecars written before it existed have no `length`; their data was
 * always replaced whole, so the file's size is the length.
 */
const SidecarSchema = v.object({
  type: v.picklist(['Normal', 'Appendable']),
  contentType: v.pipe(v.string(), v.minLength(1)),
  etag: v.pipe(v.string(), v.regex(/^"[0-9A-F]{32}"$/)),
  lastModified: v.pipe(v.string(), v.isoTimestamp()),
  length: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0))),
});

export function encodeSidecar(meta: ObjectMeta): string {
  const { type, contentType, etag, length } = meta;
  return `${JSON.stringify({ type, contentType, etag, lastModified: meta.lastModified.toISOString(), length })}\n`;
}

/**
 * The metadata of a data file of `size` bytes, or undefined when the sidecar is garbled or does not fit the file
 * (a Normal object whose size differs, an appendable one whose file is shorter than what was committed).
 */
export function decodeSidecar(text: string, size: number): ObjectMeta | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = v.safeParse(SidecarSchema, json);
  if (!parsed.success) return undefined;
  const { type, contentType, etag, lastModified, length = size } = parsed.output;
  const fits = type === 'Normal' ? length === size : length <= size;
  return fits ? { type, contentType, etag, lastModified: new Date(lastModified), length } : undefined;
}
