import { join } from 'node:path';
import { integer } from '../shared/config/env';
import { loadCallbackConfig } from '../shared/config/callback-config';
import { readSettingsFile, withSettingsFile } from '../shared/config/settings-file';
import { loadWorkerConfig } from '../shared/config/worker-config';
import { ChannelsConfigError, ConfigError } from '../shared/errors';
import { readControlsFile } from '../shared/controls/config/controls-file';
import { CONTROLS_FILE_NAME, controlsPathOf } from '../shared/controls/config/controls-setting';
import { demoModelWanted } from './demo-model/demo-model-env';

/**
 * What `npm start` checks before it says "ready": both functions' settings as each will see them (the environment
 * over the settings.env the build packed beside its bundle), and the local server's own. A bad one is one line
 * naming the variable, never a stack trace and never a server that answers every message with an error.
 */
export interface LocalSettings {
  port: number;
  host: string;
  /** The robots of controls.json beside the env robot, each with its path (printed with the ready message). */
  robots: Array<{ name: string; path: string }>;
  /** LOCAL_DEMO_MODEL=true: the local demo model answers (local/demo-model). */
  demoModel: boolean;
}

export function checkLocalSettings(rootDir: string, env: Record<string, string>): LocalSettings {
  // What the local stack sets itself is stood in for, so only the admin's own settings can fail.
  const stackProvided = { FC_REGION: 'cn-local', LOCAL_STACK: 'true' };
  let robots: LocalSettings['robots'] = [];
  for (const name of ['callback', 'worker'] as const) {
    const dir = join(rootDir, 'dist', name);
    const functionEnv = withSettingsFile({ ...env, ...stackProvided }, readSettingsFile(dir));
    if (name === 'callback') {
      const config = loadCallbackConfig(functionEnv, readControlsFile(dir));
      robots = config.robots.flatMap((robot) => (robot.name === 'dingtalk' || robot.path === undefined ? [] : [{ name: robot.name, path: robot.path }]));
    } else loadWorkerConfig(functionEnv, readControlsFile(dir));
  }
  return {
    port: integer(env, 'LOCAL_PORT', 9000, { min: 0, max: 65_535 }),
    host: env['LOCAL_HOST'] ?? '127.0.0.1',
    robots,
    demoModel: demoModelWanted(env),
  };
}

/** One line for the terminal: the variable and what it expects (never its value). */
export function describeStartFailure(error: unknown, settings: LocalSettings | undefined): string {
  if (error instanceof ConfigError && controlsPathOf(error.variable) !== undefined) {
    return `控制文件有误 / invalid ${CONTROLS_FILE_NAME}: ${error.variable} ${error.expectation.zh} (${error.expectation.en})。请修改 ${CONTROLS_FILE_NAME} 后重新运行 npm start。`;
  }
  if (error instanceof ConfigError) {
    return `设置有误 / invalid setting: ${error.variable} ${error.expectation.zh} (${error.expectation.en})。请修改 .env 或 settings.env 后重新运行 npm start。`;
  }
  if (error instanceof ChannelsConfigError) return `群机器人配置有误 / invalid channels.json: ${error.message}。请修改 channels.json 后重新运行 npm start。`;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE') {
    return `LOCAL_PORT ${settings?.port} 已被占用 / port in use: 请在 .env 中换一个端口，例如 LOCAL_PORT=${(settings?.port ?? 9000) + 1}。`;
  }
  if (code === 'EACCES') return `LOCAL_PORT ${settings?.port} 无权监听 / not permitted: 请使用 1024 以上的端口。`;
  if (code === 'ENOTFOUND' || code === 'EADDRNOTAVAIL' || code === 'EAI_AGAIN') {
    return `LOCAL_HOST 不是本机地址 / not an address of this machine: 请使用 127.0.0.1 或 0.0.0.0。`;
  }
  return `本地服务启动失败 / the local server could not start: ${error instanceof Error ? error.message : String(error)}`;
}
