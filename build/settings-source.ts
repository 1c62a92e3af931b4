import { parse } from 'dotenv';
import type { PackedSettings } from '../shared/config/settings-file';
import { settingsFileProblem } from '../shared/config/settings-registry';

/**
 * settings.env, the file admins write: the dotenv format, so a multi-line prompt goes in double quotes, and unlike
 * Serverless Devs' own `.env` nothing in it is `$`-expanded. Read by the build only (esbuild.config.ts), which packs
 * the result as JSON beside each bundle; an unknown or secret key stops the build before anything is deployed.
 */
export const SETTINGS_SOURCE_FILE = 'settings.env';

export function parseSettingsSource(text: string): PackedSettings {
  const settings = parse(text);
  const problems = Object.keys(settings).flatMap((name) => settingsFileProblem(name) ?? []);
  if (problems.length > 0) throw new Error(`${SETTINGS_SOURCE_FILE}: ${problems.join('; ')}`);
  return settings;
}
