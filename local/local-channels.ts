import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWebhookHosts } from '../shared/channels/dingtalk/webhook-hosts';
import { parseChannelsConfig, type ChannelsConfig } from '../shared/channels/group-robot/channels-config';
import type { ReceiverRobot } from './group-robot-receiver';

/**
 * The channels config `npm start` puts into the local bucket: `channels.json` beside package.json when there is one,
 * else one robot, `local`, whose webhook is the local receiver's, and one job, `morning-digest` (s.yaml's example).
 * It is checked as the functions will check it, so a mistake stops `npm start` with the path of the problem.
 */
export const CHANNELS_FILE = 'channels.json';

export interface LocalChannels {
  text: string;
  /** Where it came from, for the start-up message. */
  source: string;
  config: ChannelsConfig;
  /** The robots whose webhooks point at the local receiver, by access token. */
  receiverRobots: Map<string, ReceiverRobot>;
}

export function localChannels(rootDir: string, receiverHost: string, webhookHosts: readonly string[], configKey: string): LocalChannels {
  const file = join(rootDir, CHANNELS_FILE);
  const text = existsSync(file) ? readFileSync(file, 'utf8') : defaultConfig(receiverHost);
  const config = parseChannelsConfig(text.replace(/^\uFEFF/, ''), configKey, parseWebhookHosts(webhookHosts));
  const receiverRobots = new Map<string, ReceiverRobot>();
  for (const [name, robot] of Object.entries(config.robots)) {
    const url = new URL(robot.webhook);
    if (url.host === receiverHost) receiverRobots.set(url.searchParams.get('access_token') ?? '', { name, secret: robot.secret, keywords: robot.keywords });
  }
  return { text, source: existsSync(file) ? file : `${CHANNELS_FILE} 不存在，使用本地默认配置 (none: a local default)`, config, receiverRobots };
}

function defaultConfig(receiverHost: string): string {
  const config = {
    robots: {
      local: {
        webhook: `http://${receiverHost}/robot/send?access_token=local${randomBytes(12).toString('hex')}`,
        secret: `SEC${randomBytes(24).toString('hex')}`,
      },
    },
    jobs: { 'morning-digest': { robot: 'local', prompt: '请用两三句话向群里的同事问早安，并提醒大家今天的站会。' } },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
