import { ConfigError } from '../errors';

/**
 * Readers for environment variables. Each throws ConfigError naming the variable, so a malformed setting stops
 * the function at start with a message that says which one to fix. Empty strings count as unset.
 */
export type Env = Readonly<Record<string, string | undefined>>;

const value = (env: Env, name: string): string | undefined => {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
};

export function requiredString(env: Env, name: string): string {
  const raw = value(env, name);
  if (raw === undefined) throw new ConfigError(name, 'is required');
  return raw;
}

export function optionalString(env: Env, name: string): string | undefined;
export function optionalString(env: Env, name: string, fallback: string): string;
export function optionalString(env: Env, name: string, fallback?: string): string | undefined {
  return value(env, name) ?? fallback;
}

/** An http(s) URL without a trailing slash; `http://127.0.0.1:<port>` is fine for local servers. */
export function optionalUrl(env: Env, name: string, fallback?: string): string | undefined {
  const raw = value(env, name) ?? fallback;
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL such as https://example.com (got "${raw.slice(0, 80)}")`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(name, 'must be an http:// or https:// URL');
  }
  return raw.replace(/\/+$/, '');
}

export function integer(env: Env, name: string, fallback: number, range: { min: number; max: number }): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const parsed = Number(raw);
  if (!/^-?\d+$/.test(raw) || parsed < range.min || parsed > range.max) {
    throw new ConfigError(name, `must be a whole number from ${range.min} to ${range.max} (got "${raw}")`);
  }
  return parsed;
}

export function optionalNumber(env: Env, name: string, range: { min: number; max: number }): number | undefined {
  const raw = value(env, name);
  if (raw === undefined) return undefined;
  const parsed = Number(raw);
  if (!Number.isFinite(parsed) || parsed < range.min || parsed > range.max) {
    throw new ConfigError(name, `must be a number from ${range.min} to ${range.max} (got "${raw}")`);
  }
  return parsed;
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

export function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = value(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (TRUE.has(raw)) return true;
  if (FALSE.has(raw)) return false;
  throw new ConfigError(name, `must be true or false (got "${raw}")`);
}

/** A comma-separated list (Chinese commas too), trimmed, without empty items. */
export function list(env: Env, name: string, fallback: readonly string[]): string[] {
  const raw = value(env, name);
  if (raw === undefined) return [...fallback];
  return raw.split(/[,，]/).map((item) => item.trim()).filter((item) => item !== '');
}

export type LogLevelSetting = 'debug' | 'info' | 'warn' | 'error';

export function logLevel(env: Env): LogLevelSetting {
  const raw = (value(env, 'LOG_LEVEL') ?? 'info').toLowerCase();
  if (raw === 'debug' || raw === 'info' || raw === 'warn' || raw === 'error') return raw;
  throw new ConfigError('LOG_LEVEL', `must be one of debug, info, warn, error (got "${raw}")`);
}
