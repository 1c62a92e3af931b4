import { ConfigError } from '../errors';

/**
 * Readers for settings (environment variables, or the deployed settings file merged under them). Each throws a
 * ConfigError naming the variable and what it expects, never the value it got, so a malformed setting is reported
 * the same way to the admin's log and to the user's chat. Empty strings count as unset.
 */
export type Env = Readonly<Record<string, string | undefined>>;

const value = (env: Env, name: string): string | undefined => {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
};

export function requiredString(env: Env, name: string): string {
  const raw = value(env, name);
  if (raw === undefined) throw new ConfigError(name, { en: 'is required', zh: '必须设置' });
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
  const parsed = URL.canParse(raw) ? new URL(raw) : undefined;
  if (parsed?.protocol !== 'http:' && parsed?.protocol !== 'https:') {
    throw new ConfigError(name, {
      en: 'must be an http:// or https:// URL such as https://example.com',
      zh: '应为以 http:// 或 https:// 开头的网址，例如 https://example.com',
    });
  }
  return raw.replace(/\/+$/, '');
}

export function integer(env: Env, name: string, fallback: number, range: { min: number; max: number }): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const parsed = Number(raw);
  if (!/^-?\d+$/.test(raw) || parsed < range.min || parsed > range.max) {
    throw new ConfigError(name, {
      en: `must be a whole number from ${range.min} to ${range.max}`,
      zh: `应为 ${range.min} 到 ${range.max} 之间的整数`,
    });
  }
  return parsed;
}

export function optionalNumber(env: Env, name: string, range: { min: number; max: number }): number | undefined {
  const raw = value(env, name);
  if (raw === undefined) return undefined;
  const parsed = Number(raw);
  if (!Number.isFinite(parsed) || parsed < range.min || parsed > range.max) {
    throw new ConfigError(name, {
      en: `must be a number from ${range.min} to ${range.max}`,
      zh: `应为 ${range.min} 到 ${range.max} 之间的数字`,
    });
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
  throw new ConfigError(name, { en: 'must be true or false', zh: '应为 true 或 false' });
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
  throw new ConfigError('LOG_LEVEL', { en: 'must be one of debug, info, warn, error', zh: '应为 debug、info、warn、error 之一' });
}
