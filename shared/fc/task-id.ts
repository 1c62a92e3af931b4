import { createHash } from 'node:crypto';

/**
 * The FC task id (x-fc-async-task-id) of one unit of work: `<prefix>_` and the base64url SHA-256 of `parts` joined by
 * newlines. The same parts give the same id on every retry and redelivery, so FC runs the worker once; hashing fits
 * any ids (msgIds carry `=` and `+`, run ids `:` and `@`) into FC's [A-Za-z0-9_-] (fc-invoker.ts TASK_ID_PATTERN),
 * 47 characters with a two-letter prefix. Ids already submitted must not change: the prefix names the channel, the
 * parts are the channel's account and message ids in a fixed order.
 */
export function fcTaskId(prefix: string, ...parts: string[]): string {
  return `${prefix}_${createHash('sha256').update(parts.join('\n')).digest('base64url')}`;
}
