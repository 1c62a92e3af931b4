import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTROLS_FILE_NAME } from '../../shared/controls/config/controls-setting';
import { parseControlsFile } from '../../shared/controls/config/controls-file';

/**
 * The controls `npm start` runs with when the project has no controls.json of its own (docs/controls.md §5): 张三 is
 * an admin, so /admin can be tried, and a per-minute message limit low enough that a quota reply is a few quick
 * messages away but no ordinary chat meets it. A project's own controls.json wins, as it would on FC.
 */
export const PLAYGROUND_CONTROLS = `${JSON.stringify(
  { defaults: { access: { admins: ['zhangsan'] }, limits: { user: { messagesPerMinute: 8 } } } },
  null,
  2,
)}\n`;

/** The controls the local functions get: undefined means the project's own file, already packed by the build. */
export function localControls(root: string): { controls: string | undefined; admins: string[] } {
  const path = join(root, CONTROLS_FILE_NAME);
  const own = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  return { controls: own === undefined ? PLAYGROUND_CONTROLS : undefined, admins: adminsOf(own ?? PLAYGROUND_CONTROLS) };
}

/** The DingTalk robot's admins: the defaults' and its own section's (a malformed file names none; the functions say why). */
function adminsOf(text: string): string[] {
  try {
    const file = parseControlsFile(text);
    return [...(file?.defaults?.access?.admins ?? []), ...(file?.robots?.['dingtalk']?.access?.admins ?? [])];
  } catch {
    return [];
  }
}
