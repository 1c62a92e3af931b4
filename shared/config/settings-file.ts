import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from './env';

/**
 * The settings that do not fit Function Compute's 4 KB of variables per function (a long system prompt, lists),
 * written by the admin in settings.env and packed by the build beside each bundle as settings.json
 * (build/settings-source.ts, docs/platform-limits.md). Parsed at build time, so a function reads plain JSON
 * at cold start and bundles no dotenv parser.
 */
export const PACKED_SETTINGS_FILE = 'settings.json';

export type PackedSettings = Readonly<Record<string, string>>;

/** The function's environment with the packed settings under it: a non-empty environment variable wins. */
export function withSettingsFile(env: Env, settings: PackedSettings | undefined): Env {
  if (settings === undefined) return env;
  const merged: Record<string, string | undefined> = { ...settings };
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') merged[name] = value;
    else if (!(name in merged)) merged[name] = value;
  }
  return merged;
}

/** The settings the build packed beside a bundle, when it packed any. */
export function readSettingsFile(bundleDir: string): PackedSettings | undefined {
  const path = join(bundleDir, PACKED_SETTINGS_FILE);
  if (!existsSync(path)) return undefined;
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const entries = typeof parsed === 'object' && parsed !== null ? Object.entries(parsed) : [];
  return Object.fromEntries(entries.filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
