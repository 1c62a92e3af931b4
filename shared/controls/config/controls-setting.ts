/**
 * How a field of the controls file is named wherever a setting is named (the admin's log, the user's chat, the build
 * and `npm start`): the file, then the field's JSON path, as in `controls.json robots.sales.appKey`. ConfigError
 * carries it as its `variable`, so every reader of a malformed setting says where to look without knowing the file.
 */
export const CONTROLS_FILE_NAME = 'controls.json';

/** '' names the whole file. */
export const controlsSetting = (path: string): string => (path === '' ? CONTROLS_FILE_NAME : `${CONTROLS_FILE_NAME} ${path}`);

/** The field's path ('' for the whole file) when the setting is one of the controls file's; undefined for a variable. */
export function controlsPathOf(variable: string): string | undefined {
  if (variable === CONTROLS_FILE_NAME) return '';
  return variable.startsWith(`${CONTROLS_FILE_NAME} `) ? variable.slice(CONTROLS_FILE_NAME.length + 1) : undefined;
}
