import { ConfigError } from '../../errors';
import type { ResolvedRobot } from '../../controls/config/resolve-robots';
import type { ChannelRoute } from '../channel';
import { createDingTalkRoute, type CallbackDependencies } from './handle-callback';
import { createMisconfiguredDingTalkRoute, type MisconfiguredCallbackDependencies } from './misconfigured-callback';

export type RobotRouteDependencies = Omit<CallbackDependencies, 'appKey' | 'appSecret' | 'path' | 'robot'> &
  Pick<MisconfiguredCallbackDependencies, 'postNotice' | 'runsLocally'>;

/**
 * One route per DingTalk robot, each on its own path and checked with its own secret (docs/controls.md §7). A robot
 * whose secret variable is unset or empty gets the misconfigured route on its path alone: it refuses that robot's
 * callbacks (it cannot prove them DingTalk's, so it tells nobody) and logs the variable once at start, while every
 * other robot keeps working. A wrong secret is no setting error: that robot's signatures simply fail (401).
 */
export function createDingTalkRobotRoutes(robots: readonly ResolvedRobot[], deps: RobotRouteDependencies): ChannelRoute[] {
  const { postNotice, runsLocally, ...handOver } = deps;
  return robots.flatMap((robot): ChannelRoute[] => {
    if (robot.channel !== 'dingtalk' || robot.path === undefined || robot.appKey === undefined) return [];
    const own = robot.name === 'dingtalk' ? {} : { robot: robot.name };
    if (robot.appSecret !== undefined) {
      return [createDingTalkRoute({ ...handOver, ...own, path: robot.path, appKey: robot.appKey, appSecret: robot.appSecret })];
    }
    const variable = robot.appSecretVariable ?? 'DINGTALK_APP_SECRET';
    const error = new ConfigError(variable, { en: `is required for robot ${robot.name} (its AppSecret)`, zh: `必须设置（机器人 ${robot.name} 的 AppSecret）` });
    return [
      createMisconfiguredDingTalkRoute({
        error,
        appSecret: undefined,
        webhookHosts: handOver.webhookHosts,
        postNotice,
        logger: deps.logger.child({ robot: robot.name, path: robot.path }),
        now: deps.now,
        runsLocally,
        path: robot.path,
      }),
    ];
  });
}
