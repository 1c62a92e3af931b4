/**
 * The formats of the controls file's names, apart from its schema (controls-schema.ts): the WorkerEvent checks a
 * robot's name with them, and a deployment without a controls file never evaluates the schema at a cold start.
 */
export const ROBOT_NAME_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
/** A trigger path of one DingTalk robot: `/` and letters, digits, `-`, `_` segments. */
export const ROBOT_PATH_PATTERN = /^(\/[A-Za-z0-9_-]{1,64}){1,4}$/;
/** FC's rule for a variable's name (docs/platform-limits.md); FC_* names are FC's own. */
export const VARIABLE_PATTERN = /^(?!FC_)[A-Za-z][A-Za-z0-9_]{0,127}$/;
