import { DeliveryError, DingTalkApiError, RobotRateLimitError, RobotRejectedError } from '../../errors';
import type { Logger } from '../../logging/logger';
import type { ReplyOptions, ReplyResult } from '../channel';
import { partsToSkip } from '../dingtalk/reply-parts';
import type { SplitMarkdownOptions } from '../dingtalk/split-markdown';
import type { RobotClient, RobotTarget } from './robot-client';
import { markdownParts } from './robot-message';
import type { SendWindow } from './send-window';

/**
 * Posts an answer to a group robot as markdown parts, in order, each through the shared send window. A part whose
 * request may have reached DingTalk without a usable answer counts as sent and is never posted again (the rule of
 * docs/dingtalk.md, "Delivery when the outcome is unknown"): a duplicate in a group is worse than a gap. When a
 * part certainly did not go out, DeliveryError says how many did and whether a later attempt could help.
 */
export interface RobotReplierOptions {
  client: RobotClient;
  window: SendWindow;
  logger: Logger;
  /** Epoch ms by which every part must have been sent: the invocation's time left, less room to finish. */
  deadline: number;
  split?: SplitMarkdownOptions;
}

export interface RobotReplyTarget extends RobotTarget {
  keywords?: readonly string[] | undefined;
}

export async function replyThroughRobot(options: RobotReplierOptions, robot: RobotReplyTarget, text: string, replyOptions: ReplyOptions = {}): Promise<ReplyResult> {
  const { logger } = options;
  const parts = markdownParts(text, robot.keywords ?? [], options.split ?? {});
  const skipped = partsToSkip(replyOptions.skipParts, parts.length, logger);
  if (parts.length === 0) logger.warn('answer has no visible text; nothing posted', { robot: robot.name });
  for (const [index, part] of parts.entries()) {
    if (index < skipped) continue;
    const fields = { robot: robot.name, part: index + 1, parts: parts.length };
    try {
      await options.window.acquire(robot, options.deadline);
      await options.client.send(robot, part);
      logger.info('group robot message sent', fields);
    } catch (error) {
      if (isUnknownOutcome(error)) {
        logger.warn('group robot message got no usable answer; it may have been posted, so it is not sent again', { ...fields, error });
        continue;
      }
      if (error instanceof RobotRejectedError && error.reason === 'rate-limited') {
        await options.window.recordBlock(robot).catch((recordError: unknown) => logger.error('could not record the robot block', { robot: robot.name, error: recordError }));
      }
      const retryable = isRetryable(error);
      logger.error('group robot message could not be posted', { ...fields, delivered: index, retryable, error });
      const reason = error instanceof Error ? error.message : String(error);
      throw new DeliveryError(`delivered ${index} of ${parts.length} parts to group robot ${robot.name}; part ${index + 1} failed: ${reason}`, {
        cause: error,
        deliveredParts: index,
        retryable,
      });
    }
  }
  return { parts: parts.length, skipped };
}

/** No answer after the request was written, or DingTalk's gateway gave up waiting (504): it may have been posted. */
const isUnknownOutcome = (error: unknown): boolean =>
  error instanceof DingTalkApiError && (error.connection === 'lost-after-sending' || error.status === 504);

function isRetryable(error: unknown): boolean {
  if (error instanceof RobotRejectedError) return error.retryable;
  // A blocked robot stays blocked for 10 minutes, past FC's retries; a full window frees up within a minute.
  if (error instanceof RobotRateLimitError) return error.reason === 'window-full';
  if (error instanceof DingTalkApiError && error.status !== undefined) return error.status >= 500 || error.status === 429;
  // Not connected, or the window's storage: both can pass.
  return true;
}
