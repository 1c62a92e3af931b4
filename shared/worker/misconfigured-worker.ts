import type { ChannelName } from '../channels/channel';
import { asBotError, type ConfigError } from '../errors';
import type { FcContext } from '../fc/context';
import { withLogFields, type Logger } from '../logging/logger';
import { parseJson, parseWith } from '../validation/parse';
import { CONFIG_NOTICE_TITLE, configErrorText } from '../config/config-error-text';
import { channelOf, WorkerEventSchema } from './worker-event';

/**
 * How a channel answers a message when the worker's settings are broken: with nothing those settings could have
 * broken (DingTalk: the message's session webhook, which needs no access token). `open` checks the message with the
 * channel's schema and throws PayloadParseError when it does not fit.
 */
export interface NoticeChannel {
  open(message: unknown): { id: string; send(notice: { title: string; text: string }): Promise<void> };
}

export interface MisconfiguredWorkerDependencies {
  error: ConfigError;
  /** A channel whose notice needs the invocation's credentials (WeChat's answer store in OSS) is built per invocation. */
  channels: Partial<Record<ChannelName, NoticeChannel | ((invocation: { context: FcContext }) => NoticeChannel)>>;
  logger: Logger;
  /** Under `npm start` the fix is editing .env and restarting, not redeploying. */
  runsLocally: boolean;
}

/**
 * The worker when a setting is malformed. Throwing at load would fail every attempt and FC would retry each one
 * four times while the user waits in silence; instead every message gets one short Chinese reply naming the variable
 * and what it expects (never its value), one log line, and a normal return so FC does not retry what only a new
 * setting can fix.
 */
export function createMisconfiguredWorker(deps: MisconfiguredWorkerDependencies) {
  const { error, logger } = deps;
  const fields = { variable: error.variable, problem: error.message };
  logger.error('worker settings invalid: every message is answered with a notice until they are fixed', fields);
  const notice = { title: CONFIG_NOTICE_TITLE, text: configErrorText(error, deps.runsLocally) };

  return (event: Buffer, context: FcContext): Promise<'misconfigured' | 'refused'> =>
    withLogFields({ request_id: context.requestId }, async () => {
      let message;
      try {
        const envelope = parseWith(WorkerEventSchema, parseJson(event.toString('utf8')));
        const entry = deps.channels[channelOf(envelope)];
        const channel = typeof entry === 'function' ? entry({ context }) : entry;
        if (channel === undefined) {
          logger.error('worker event refused: this worker does not serve its channel', { ...fields, channel: channelOf(envelope) });
          return 'refused';
        }
        message = channel.open(envelope.message);
      } catch (parseError) {
        logger.error('worker event refused', { ...fields, error: asBotError(parseError) });
        return 'refused';
      }
      try {
        await message.send(notice);
        logger.error('worker settings invalid; the user was told', { ...fields, msgId: message.id });
      } catch (sendError) {
        logger.error('worker settings invalid; the notice could not be delivered', {
          ...fields,
          msgId: message.id,
          error: asBotError(sendError),
        });
      }
      return 'misconfigured';
    });
}
