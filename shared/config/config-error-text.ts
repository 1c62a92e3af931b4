import type { ConfigError } from '../errors';

/**
 * What the robot says in the chat when a setting is malformed, from either function: the variable and what it
 * expects, never its value (a misplaced secret must not reach a chat), and what fixes it: a redeploy in the cloud,
 * an edit of .env and a restart under `npm start`.
 */
export const configErrorText = (error: ConfigError, runsLocally: boolean): string =>
  `⚠️ 机器人配置有误：设置项 ${error.variable} ${error.expectation.zh}。${
    runsLocally ? '请在 .env 中修改后重启 npm start。' : '请管理员修改后重新部署（s deploy）。'
  }`;

export const CONFIG_NOTICE_TITLE = '机器人配置有误';
