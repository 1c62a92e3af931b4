import type { Env } from '../../config/env';
import { parseControlsFile } from './controls-file';
import { resolveRobots, type ResolvedRobot } from './resolve-robots';

/**
 * What each function reads at cold start, inside its settings step: the packed controls file checked again and the
 * robots it and the environment describe. Throws ConfigError naming the field (docs/controls.md §5).
 */
export const loadRobots = (controlsText: string | undefined, env: Env): ResolvedRobot[] => resolveRobots(parseControlsFile(controlsText), env);

/** The DingTalk robots, each with its path: the env robot on `/` first. */
export const dingtalkRobots = (robots: readonly ResolvedRobot[]): ResolvedRobot[] => robots.filter((robot) => robot.channel === 'dingtalk');
