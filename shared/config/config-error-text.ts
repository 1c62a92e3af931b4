import type { ConfigError } from '../errors';
import { CONTROLS_FILE_NAME, controlsPathOf } from '../controls/config/controls-setting';

/**
 * What the robot says in the chat when a setting is malformed, from either function: the variable (or the field of
 * the controls file) and what it expects, never its value (a misplaced secret must not reach a chat), and what fixes
 * it: a redeploy in the cloud, an edit of .env (or controls.json) and a restart under `npm start`.
 */
export function configErrorText(error: ConfigError, runsLocally: boolean): string {
  const field = controlsPathOf(error.variable);
  if (field !== undefined) {
    const where = field === '' ? `控制文件 ${CONTROLS_FILE_NAME}` : `控制文件 ${CONTROLS_FILE_NAME} 中的 ${field}`;
    const fix = runsLocally ? `请修改 ${CONTROLS_FILE_NAME} 后重启 npm start。` : `请管理员修改 ${CONTROLS_FILE_NAME} 后重新部署（s deploy）。`;
    return `⚠️ 机器人配置有误：${where} ${error.expectation.zh}。${fix}`;
  }
  return `⚠️ 机器人配置有误：设置项 ${error.variable} ${error.expectation.zh}。${
    runsLocally ? '请在 .env 中修改后重启 npm start。' : '请管理员修改后重新部署（s deploy）。'
  }`;
}

export const CONFIG_NOTICE_TITLE = '机器人配置有误';
