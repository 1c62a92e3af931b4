import { resolve } from 'node:path';
import { channelsConfigKey } from '../shared/config/group-robot-config';
import { groupRobotReceiverHost, groupRobotReceiverPort, startGroupRobotReceiver } from './group-robot-receiver';
import { localChannels } from './local-channels';
import { localEnvironment, projectRoot } from './local-env';
import { checkLocalSettings, describeStartFailure, type LocalSettings } from './settings-check';
import { logFormatOf } from './logs/log-printer';
import { startLocalServer } from './local-server';
import { localReceiverHosts } from './stack';

/**
 * `npm start`: the built functions served as FC would serve them, on this machine. Point `npm run chat` at it, or
 * expose the port (LOCAL_HOST=0.0.0.0 behind a tunnel) and use it as a real robot's message URL.
 */
let settings: LocalSettings | undefined;

async function main(): Promise<void> {
  const root = projectRoot();
  const { env, defaulted } = localEnvironment(root);
  settings = checkLocalSettings(root, env);
  const { port, host } = settings;
  const dataDir = resolve(root, env['LOCAL_DATA_DIR'] ?? '.data', 'oss');
  const channels = localChannels(root, groupRobotReceiverHost(env), localReceiverHosts(env), channelsConfigKey(env));
  const receiver = await startGroupRobotReceiver({ port: groupRobotReceiverPort(env), robots: channels.receiverRobots, print: (text) => console.log(text) }).catch(
    (error: unknown) => {
      throw new Error(`无法监听本地群机器人端口 / cannot listen on ${groupRobotReceiverHost(env)} (LOCAL_ROBOT_PORT): ${(error as Error).message}`);
    },
  );
  const local = await startLocalServer({
    root,
    env,
    defaulted,
    host,
    port,
    dataDir,
    logFormat: logFormatOf(env, process.argv.slice(2)),
    write: (text) => process.stdout.write(text),
    stack: {
      channelsConfig: channels.text,
      worker: { timeoutSeconds: Number(env['WORKER_TIMEOUT_SECONDS'] ?? 120), maxRetries: 3, retryDelayMs: 1000 },
      onWorkerResult: ({ requestId, attempt, result, willRetry }) => {
        if (!result.ok) console.log(`[local-fc] worker ${requestId} attempt ${attempt + 1} ${result.kind}: ${result.error}${willRetry ? ' — FC will retry' : ''}`);
      },
    },
  });
  const stack = local.stack;
  console.log(`钉钉机器人本地服务已启动 / local server ready
  试用页 (playground):               ${local.playgroundUrl}   ← 在浏览器中打开 / open it in a browser
  消息接收地址 (robot message URL):  ${stack.url}/
${settings.robots.map((robot) => `  机器人 ${robot.name} (robot ${robot.name}):  ${stack.url}${robot.path}
`).join('')}${env['WECHAT_TOKEN'] ? `  微信公众号服务器地址 (WeChat URL):  ${stack.url}/wechat
` : ''}  会话记录目录 (history folder):      ${dataDir}
  模型 (model):                       ${local.modelLabel()}
  钉钉 (DingTalk):                    ${local.stubbedDingTalk ? `本地钉钉替身 ${local.standIn.url}（回复与 AI 卡片显示在试用页）/ the local DingTalk stand-in (replies and cards show in the playground)` : `${env['DINGTALK_API_BASE'] ?? 'https://api.dingtalk.com'}（.env 中的钉钉应用 / the DingTalk app of .env）`}
  群机器人配置 (group robots config):  ${channels.source}
  群机器人 (robots) / 定时任务 (jobs):  ${Object.keys(channels.config.robots).join(', ')} / ${Object.keys(channels.config.jobs).join(', ') || '-'}
  本地群机器人接收 (local robot receiver): http://${groupRobotReceiverHost(env)}
${defaulted.length ? `  本地默认值 (local defaults used):   ${defaulted.join(', ')}\n` : ''}
在另一个终端运行 / in another terminal:  npm run chat -- "你好"${env['WECHAT_TOKEN'] ? '   ·   npm run chat -- --wechat "你好"' : ''}
  定时任务 (a job now):                  npm run job -- ${Object.keys(channels.config.jobs)[0] ?? '<name>'}
  推送 (a push):                         curl -X POST ${stack.url}/push -H "Authorization: Bearer ${defaulted.includes('PUSH_TOKEN') ? env['PUSH_TOKEN'] : '$PUSH_TOKEN'}" -H "Content-Type: application/json" -d '{"robot":"${Object.keys(channels.config.robots)[0] ?? 'local'}","prompt":"你好"}'`);
  const stop = (): void => {
    console.log('stopping…');
    receiver.close();
    local.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(describeStartFailure(error, settings));
  process.exit(1);
});
