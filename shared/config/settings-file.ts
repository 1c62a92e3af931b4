import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import type { Env } from './env';

/**
 * settings.env: the settings that do not fit Function Compute's 4 KB of variables per function (a long system
 * prompt, lists), packed by the build beside each bundle (docs/platform-limits.md). The dotenv format, so a multi-line
 * prompt goes in double quotes; unlike Serverless Devs' own `.env`, nothing in it is `$`-expanded. The build has
 * already refused unknown and secret keys in it (shared/config/settings-registry.ts).
 */
export const SETTINGS_FILE = 'settings.env';

/** The function's environment with the file's settings under it: a non-empty environment variable wins. */
export function withSettingsFile(env: Env, fileText: string | undefined): Env {
  if (fileText === undefined) return env;
  const merged: Record<string, string | undefined> = { ...parse(fileText) };
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') merged[name] = value;
    else if (!(name in merged)) merged[name] = value;
  }
  return merged;
}

/** The settings file beside a bundle, when the build packed one. */
export function readSettingsFile(bundleDir: string): string | undefined {
  const path = join(bundleDir, SETTINGS_FILE);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}
