import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { ConfigError } from '../../errors';
import type { ControlsFile } from './controls-schema';
import { CONTROLS_FILE_NAME, controlsSetting } from './controls-setting';

// The schema and its error texts are loaded only when there is a file: a `require` inside a function is bundled to
// run when called, so a deployment without controls.json never evaluates them at a cold start
// (docs/function-compute.md §7).
const schema = (): typeof import('./controls-schema') => require('./controls-schema');
const errors = (): typeof import('./controls-error') => require('./controls-error');

/**
 * The controls file as the build packed it beside a bundle (esbuild.config.ts), unchecked: the function checks it in
 * its settings step, so a malformed file wires the function that says which field instead of failing its start.
 * Undefined when the project has none (every robot then has the defaults: docs/controls.md §5).
 */
export function readControlsFile(bundleDir: string): string | undefined {
  const path = join(bundleDir, CONTROLS_FILE_NAME);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** The file's text → its checked contents, or ConfigError naming the first field that is wrong (never its value). */
export function parseControlsFile(text: string | undefined): ControlsFile | undefined {
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(controlsSetting(''), { en: 'is not valid JSON', zh: '不是有效的 JSON' });
  }
  const result = v.safeParse(schema().ControlsFileSchema, json);
  if (!result.success) throw errors().controlsSchemaError(result.issues);
  return result.output;
}

/**
 * The values of every `appSecretVariable` the file names, for the logger to mask even when the file or a setting is
 * malformed (the misconfigured functions log too). Best effort: a file that is not JSON names none.
 */
export function robotSecretsOf(text: string | undefined, env: Readonly<Record<string, string | undefined>>): string[] {
  if (text === undefined) return [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return [];
  }
  const robots = (json as { robots?: unknown } | null)?.robots;
  if (typeof robots !== 'object' || robots === null) return [];
  return Object.values(robots).flatMap((robot: unknown) => {
    const variable = (robot as { appSecretVariable?: unknown } | null)?.appSecretVariable;
    const value = typeof variable === 'string' ? env[variable] : undefined;
    return value === undefined || value === '' ? [] : [value];
  });
}
