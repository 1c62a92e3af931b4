import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { ConfigError } from '../shared/errors';
import { parseControlsFile } from '../shared/controls/config/controls-file';
import { resolveRobots } from '../shared/controls/config/resolve-robots';
import { CONTROLS_FILE_NAME } from '../shared/controls/config/controls-setting';

/**
 * The controls file the build packs beside each bundle (docs/controls.md §5): `controls.json` in the project root, or
 * the file CONTROLS_FILE names (relative to the root). Checked here as the functions will check it at cold start,
 * except for the secrets, which only the functions' environment holds: a malformed file stops the build naming the
 * field, before anything is deployed. Undefined when there is none (every robot then has the defaults).
 */
export function checkedControlsSource(root: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const named = env['CONTROLS_FILE']?.trim();
  const path = named ? (isAbsolute(named) ? named : join(root, named)) : join(root, CONTROLS_FILE_NAME);
  if (!existsSync(path)) {
    if (named) throw new Error(`CONTROLS_FILE: ${named} does not exist`);
    return undefined;
  }
  const text = readFileSync(path, 'utf8');
  checkControlsSource(text);
  return text;
}

/** Throws an Error whose message names the field and what it expects, in English and Chinese. */
export function checkControlsSource(text: string): void {
  try {
    resolveRobots(parseControlsFile(text), {});
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new Error(`${error.variable} ${error.expectation.en} / ${error.expectation.zh}`);
  }
}
