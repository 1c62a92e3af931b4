/**
 * How one logged value reads in a terminal line: short, on one line, and unambiguous about where it ends.
 */
const MAX_VALUE = 160;

/**
 * No line breaks, tabs or terminal control codes survive (an escape sequence in a logged value could rewrite the
 * terminal); a value past `max` characters is cut with '…'.
 */
export function oneLine(text: string, max: number = MAX_VALUE): string {
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (char) => (char === '\n' ? '\\n' : char === '\t' ? '\\t' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`));
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The end of a long id: enough to tell turns apart on one screen (the JSON lines keep the whole id). */
export const idTail = (id: string): string => oneLine(id.length > ID_TAIL ? `…${id.slice(-ID_TAIL)}` : id);
const ID_TAIL = 6;
const ID_KEY = /(Id|_id)$/;

/**
 * key=value: strings quoted only when they hold spaces (or would be misread), objects as compact JSON, and ids
 * (deliveryId, worker_request_id, …) by their tail.
 */
export function pairText(key: string, value: unknown): string {
  const shown = typeof value === 'string' && ID_KEY.test(key) && !/\s/.test(value) ? idTail(value) : valueText(value);
  return `${oneLine(key, 40)}=${shown}`;
}

function valueText(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"]+$/.test(value) ? oneLine(value) : oneLine(JSON.stringify(value));
  if (value === null || typeof value !== 'object') return oneLine(String(value));
  return oneLine(JSON.stringify(value));
}

/**
 * A logged error (logger.ts describeError: name, message, code?, status?, stack?, cause?) as `CODE: message`, with
 * the first stack frame only (where it was thrown) and its cause after '←'.
 */
export function errorText(value: unknown, depth = 0): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return valueText(value);
  const error = value as Record<string, unknown>;
  const code = [error['code'], error['name']].find((item) => typeof item === 'string' || typeof item === 'number') ?? 'Error';
  const status = typeof error['status'] === 'number' ? ` (HTTP ${error['status']})` : '';
  const message = typeof error['message'] === 'string' ? `: ${error['message']}` : '';
  const frame = Array.isArray(error['stack']) && typeof error['stack'][0] === 'string' ? ` ${error['stack'][0].trim()}` : '';
  const cause = error['cause'] !== undefined && depth < 3 ? ` ← ${errorText(error['cause'], depth + 1)}` : '';
  return oneLine(`${String(code)}${status}${message}${frame}${cause}`, MAX_VALUE * 2);
}
