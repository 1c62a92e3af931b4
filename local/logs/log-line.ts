import * as v from 'valibot';
import { clockTime, timeZoneLabel } from './time-zone';
import { errorText, idTail, oneLine, pairText } from './log-values';

/**
 * The functions log one JSON line per event (shared/logging/logger.ts): right for SLS, hard to read in a terminal.
 * `npm start` prints each as one readable line instead. The values were redacted by the logger before they were
 * written; nothing here can bring a masked value back, it only rearranges what the line already says.
 */
export interface LogEvent {
  /** ms since the epoch, from the line's ISO `timestamp`. */
  time: number;
  level: string;
  service: string;
  message: string;
  msgId?: string;
  requestId?: string;
  /** Everything else the line carries. */
  fields: Record<string, unknown>;
}

const LogLineSchema = v.looseObject({
  level: v.string(),
  timestamp: v.pipe(v.string(), v.check((text) => Number.isFinite(Date.parse(text)))),
  service: v.string(),
  message: v.string(),
  request_id: v.optional(v.string()),
  msgId: v.optional(v.string()),
});

/** A JSON log line as an event; undefined for anything else (a stack trace on stderr, Node's warnings, a blank line). */
export function parseLogLine(line: string): LogEvent | undefined {
  const text = line.trim();
  if (!text.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = v.safeParse(LogLineSchema, value);
  if (!parsed.success) return undefined;
  const { level, timestamp, service, message, request_id: requestId, msgId, ...fields } = parsed.output;
  return {
    time: Date.parse(timestamp),
    level,
    service,
    message,
    ...(msgId === undefined ? {} : { msgId }),
    ...(requestId === undefined ? {} : { requestId }),
    fields,
  };
}

/** Said by the service column already. */
const HIDDEN_FIELDS = new Set(['function_name']);

/**
 * `18:03:04.123 UTC+8 INFO  worker   answered  intent=chat outcome=turn  msg=…a1b2c3`: local time with its zone,
 * level, short service name, message, the other fields as key=value (an error last, as CODE: message), and the end
 * of the msgId (else of the request id) to tell turns apart. Always exactly one line.
 */
export function readableLogLine(event: LogEvent, options: { timeZone?: string } = {}): string {
  const time = `${clockTime(event.time, options.timeZone)} ${timeZoneLabel(options.timeZone, event.time)}`;
  const service = event.service.replace(/^dingtalk-(llm-)?/, '');
  const pairs = Object.entries(event.fields)
    .filter(([key, value]) => !HIDDEN_FIELDS.has(key) && value !== undefined && key !== 'error')
    .map(([key, value]) => pairText(key, value));
  if (event.fields['error'] !== undefined) pairs.push(`error=${errorText(event.fields['error'])}`);
  const id = event.msgId !== undefined ? `msg=${idTail(event.msgId)}` : event.requestId !== undefined ? `req=${idTail(event.requestId)}` : '';
  const head = `${time} ${oneLine(event.level.toUpperCase()).padEnd(5)} ${oneLine(service).padEnd(8)} ${oneLine(event.message, 300)}`;
  return [head, pairs.join(' '), id].filter((part) => part !== '').join('  ');
}
