import type { AxiosInstance } from 'axios';
import type { Logger } from '../../logging/logger';
import type { AppendLog } from '../../storage/append-log';
import { turnWorkEndsAt } from '../../turn/turn-dependencies';
import type { Channel } from '../channel';
import type { SplitMarkdownOptions } from '../dingtalk/split-markdown';
import type { WebhookHostList } from '../dingtalk/webhook-hosts';
import { createChannelsConfigCache } from './channels-config-cache';
import type { ChannelsConfig } from './channels-config';
import { createGroupRobotChannel } from './group-robot-channel';
import { createRobotClient } from './robot-client';
import { createSendWindow } from './send-window';
import { isTimerEvent, timerWorkerEvent } from './timer-event';

/**
 * The worker's group-robot parts, made once per instance: the channel, built per invocation from the channels config
 * (read through the per-instance cache with that invocation's storage, whose client carries its credentials), and
 * the adapter that turns an FC timer event into the run of the job it names. Both read the same cached config.
 */
export interface GroupRobotWorkerOptions {
  /** CHANNELS_CONFIG_KEY. */
  configKey: string;
  /** ROBOT_SENDS_PREFIX: the send windows every instance shares. */
  sendsPrefix: string;
  webhookHosts: WebhookHostList;
  http: AxiosInstance;
  logger: Logger;
  split?: SplitMarkdownOptions;
}

/** What the parts need of one invocation (shared/worker/create-worker-handler.ts, Invocation). */
export interface GroupRobotInvocation {
  storage: { log: AppendLog };
  deadlineMs: number;
  replyReserveMs: number;
}

export function createGroupRobotWorker(options: GroupRobotWorkerOptions) {
  const cache = createChannelsConfigCache({ key: options.configKey, webhookHosts: options.webhookHosts });
  const client = createRobotClient({ http: options.http });
  const readConfig = (log: AppendLog): Promise<ChannelsConfig> => cache.get((key, maxBytes) => log.readAll(key, maxBytes));

  async function channel(invocation: GroupRobotInvocation): Promise<Channel<never, never>> {
    const { log } = invocation.storage;
    const config = await readConfig(log);
    return createGroupRobotChannel({
      robots: config.robots,
      client,
      window: createSendWindow({ log, prefix: options.sendsPrefix, logger: options.logger }),
      logger: options.logger,
      // The parts must be out by the time the turn pipeline stops retrying the answer's record (send-and-record.ts).
      deadline: turnWorkEndsAt(invocation.deadlineMs, invocation.replyReserveMs),
      ...(options.split ? { split: options.split } : {}),
    });
  }

  /** An FC timer event → the WorkerEvent of its job's run; any other event as it is. */
  async function adaptEvent(event: unknown, invocation: GroupRobotInvocation): Promise<unknown> {
    if (!isTimerEvent(event)) return event;
    const run = timerWorkerEvent(event, await readConfig(invocation.storage.log));
    options.logger.info('scheduled job run', { job: run.message.job, robot: run.message.robot, run_id: run.message.runId });
    return run;
  }

  return { channel, adaptEvent };
}
