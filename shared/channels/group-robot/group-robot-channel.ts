import { UnknownRobotError } from '../../errors';
import type { Logger } from '../../logging/logger';
import { parseWith } from '../../validation/parse';
import type { Channel, ChannelTurn, InboundMessage } from '../channel';
import type { SplitMarkdownOptions } from '../dingtalk/split-markdown';
import { robotSecrets, type ChannelsConfig } from './channels-config';
import { GroupRobotMessageSchema, type GroupRobotMessage } from './group-robot-message';
import type { RobotClient } from './robot-client';
import { replyThroughRobot } from './robot-replier';
import type { SendWindow } from './send-window';

/**
 * The worker's half of the group-robot channel: a prompt from a push or a scheduled job, answered into a DingTalk
 * custom group robot. The robots come from the channels config, which the worker reads per invocation (with that
 * invocation's credentials, through the per-instance cache), so this factory is cheap: it only binds what it is
 * given. Robots cannot receive messages (docs/group-robot.md §1), so there are no cards and no media.
 */
export interface GroupRobotChannelOptions {
  robots: ChannelsConfig['robots'];
  client: RobotClient;
  window: SendWindow;
  logger: Logger;
  /** Epoch ms by which every part of an answer must have been sent. */
  deadline: number;
  split?: SplitMarkdownOptions;
}

export function createGroupRobotChannel(options: GroupRobotChannelOptions): Channel<never, never> {
  // The tokens and secrets were read after the logger was made: it is told to mask them now.
  const logger = options.logger.child({ channel: 'group-robot' }, { secrets: robotSecrets(options.robots) });
  return {
    name: 'group-robot',
    open(input: unknown): ChannelTurn<never, never> {
      const message = parseWith(GroupRobotMessageSchema, input);
      const robot = Object.hasOwn(options.robots, message.robot) ? options.robots[message.robot] : undefined;
      // The config may have lost the robot between the push and this run.
      if (robot === undefined) throw new UnknownRobotError(message.robot);
      const target = { name: message.robot, webhook: robot.webhook, secret: robot.secret, keywords: robot.keywords };
      const replier = { client: options.client, window: options.window, logger, deadline: options.deadline, ...(options.split ? { split: options.split } : {}) };
      return {
        message: inboundMessage(message),
        reply: (text, replyOptions) => replyThroughRobot(replier, target, text, replyOptions),
      };
    },
  };
}

/**
 * A job's runs share one conversation (`job:<name>`), so the pipeline's history and session rules apply to it as to
 * a chat; pushes to one robot share `push:<robot>`. The sender is the job, or 'push'.
 */
export function inboundMessage(message: GroupRobotMessage): InboundMessage {
  const job = message.source === 'job' ? message.job : undefined;
  return {
    channel: 'group-robot',
    id: message.runId,
    account: message.robot,
    conversation: { id: job === undefined ? `push:${message.robot}` : `job:${job}`, group: true },
    sender: job === undefined ? { id: 'push' } : { id: job, name: job },
    content: { kind: 'input', text: message.prompt, images: [] },
  };
}
