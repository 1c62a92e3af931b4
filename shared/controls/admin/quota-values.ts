import type { LimitValues } from '../robot-controls';

/**
 * Stands for "no limit" in an admin's quota change. The ledger keeps changes as JSON and merges them over the
 * controls file's values leaving undefined ones out (effectiveLimits), so `undefined` cannot say "remove this
 * limit"; a count no one reaches can, and every text shows it as 不限.
 */
export const UNLIMITED = Number.MAX_SAFE_INTEGER;

export const isUnlimited = (value: number | undefined): boolean => value === undefined || value >= UNLIMITED;

const KEYS: Record<string, keyof LimitValues> = {
  day: 'tokensPerDay',
  日: 'tokensPerDay',
  month: 'tokensPerMonth',
  月: 'tokensPerMonth',
  rate: 'messagesPerMinute',
  每分钟: 'messagesPerMinute',
};
const SUFFIX: Record<string, number> = { '': 1, k: 1_000, w: 10_000, 万: 10_000 };
const NONE = ['none', '不限'];

/** `day=10k month=2万 rate=none` → values, or the Chinese reason it is malformed. */
export function parseQuotaValues(words: readonly string[], scope: 'user' | 'group'): Partial<LimitValues> | string {
  const values: Partial<LimitValues> = {};
  for (const word of words) {
    const match = /^([^=]+)=(.*)$/.exec(word);
    const key = match ? KEYS[(match[1] ?? '').toLowerCase()] : undefined;
    if (!match || key === undefined) return `不认识「${word}」。可设置的配额：day=（日=）、month=（月=）、rate=（每分钟=）。`;
    if (key === 'messagesPerMinute' && scope === 'group') return '每分钟条数只按人限制，群不能设置 rate（每分钟）。';
    if (key in values) return `「${match[1]}」写了不止一次。`;
    const value = parseCount(match[2] ?? '');
    if (value === undefined) return `「${word}」的值应是非负整数，可带单位：10k = 10,000，2w 或 2万 = 20,000；none 或 不限 表示不限。`;
    values[key] = value;
  }
  return values;
}

/** A non-negative integer, optionally with k / w / 万 (1.5w is 15,000); none / 不限 is UNLIMITED. */
export function parseCount(text: string): number | undefined {
  if (NONE.includes(text.toLowerCase())) return UNLIMITED;
  const match = /^(\d+(?:\.\d+)?)(k|w|万)?$/i.exec(text.replace(/,/g, ''));
  if (!match) return undefined;
  const suffix = (match[2] ?? '').toLowerCase();
  if (suffix === '' && (match[1] ?? '').includes('.')) return undefined;
  const value = Math.round(Number(match[1]) * (SUFFIX[suffix] ?? 1) * 1000) / 1000;
  return Number.isSafeInteger(value) && value < UNLIMITED ? value : undefined;
}
