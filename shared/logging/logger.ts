/**
 * One JSON line per event, to stdout, which FC ships to SLS. Every line carries the function name and, once known,
 * the request id and msgId. Secrets never reach a line: fields with secret-bearing names are masked, and every string
 * is scrubbed of the configured secret values and of DingTalk session-webhook tokens.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { BotError } from '../errors';
import { stackFrames, type StackMapper } from './source-mapped-stack';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /**
   * A logger whose lines all carry `fields` too (request id, msgId, …), and that also masks `secrets`: values learnt
   * after start-up, such as the group robots' webhook tokens and signing secrets read from the channels config.
   */
  child(fields: LogFields, options?: { secrets?: readonly string[] }): Logger;
}

export interface LoggerOptions {
  service: string;
  level?: LogLevel;
  /** Values that must never appear in a log line: app secret, API keys, STS secrets. */
  secrets?: readonly string[];
  write?: (line: string) => void;
  now?: () => Date;
  /** Maps the frames of logged stacks to the sources (createStackMapper); without it frames stay as they are. */
  mapStack?: StackMapper;
}

/**
 * Request-scoped keys (request id, msgId) for every logger used inside one invocation, including clients built
 * once per warm instance; they vanish when the invocation ends, so a warm instance never mixes requests.
 */
const invocationFields = new AsyncLocalStorage<LogFields>();

export function withLogFields<T>(fields: LogFields, run: () => T): T {
  return invocationFields.run({ ...invocationFields.getStore(), ...fields }, run);
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY =
  /secret|password|^token$|access[-_]?token|security[-_]?token|sts[-_]?token|^sign$|(^|[-_])signature$|authorization|api[-_]?keys?$|sessionwebhook$|credentials/i;
const SESSION_TOKEN = /([?&](?:session|access_token|sign)=)[^&\s"']+/gi;
const MASK = '[REDACTED]';

export function createLogger(options: LoggerOptions, bound: LogFields = {}): Logger {
  const minimum = ORDER[options.level ?? 'info'];
  const secrets = (options.secrets ?? []).filter((value) => value.length >= 6);
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const scrub = (value: string): string =>
    secrets.reduce((text, secret) => text.split(secret).join(MASK), value).replace(SESSION_TOKEN, `$1${MASK}`);

  const emit = (level: LogLevel, message: string, fields?: LogFields): void => {
    if (ORDER[level] < minimum) return;
    const entry = {
      level,
      timestamp: now().toISOString(),
      service: options.service,
      message,
      ...invocationFields.getStore(),
      ...bound,
      ...fields,
    };
    write(scrub(JSON.stringify(entry, (key, value: unknown) => redactField(key, value, options.mapStack))));
  };

  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
    child: (fields, extra) =>
      createLogger(extra?.secrets ? { ...options, secrets: [...(options.secrets ?? []), ...extra.secrets] } : options, { ...bound, ...fields }),
  };
}

function redactField(key: string, value: unknown, mapStack: StackMapper | undefined): unknown {
  if (key !== '' && SECRET_KEY.test(key) && value !== undefined && value !== null && value !== '') return MASK;
  if (value instanceof Error) return describeError(value, mapStack);
  return value;
}

/**
 * Errors become plain objects (name, code, status, message, cause) so they survive JSON.stringify. An error that is
 * not a BotError (a bug, a library's failure) also carries its stack frames: its code and message alone do not say
 * where it came from. The whole line is scrubbed of secrets after this, frames included.
 */
export function describeError(error: Error, mapStack: StackMapper = (frames) => [...frames]): LogFields {
  const described: LogFields = { name: error.name, message: error.message };
  const extra = error as unknown as Record<string, unknown>;
  for (const key of ['code', 'status', 'apiCode', 'requestId']) {
    if (extra[key] !== undefined) described[key] = extra[key];
  }
  if (!(error instanceof BotError)) described['stack'] = mapStack(stackFrames(error));
  if (error.cause instanceof Error) described['cause'] = describeError(error.cause, mapStack);
  return described;
}

/** A logger that drops everything: for tests that do not look at logs. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
