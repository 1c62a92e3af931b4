import type { SessionWebhookSender } from '../channels/dingtalk/session-webhook';
import { WorkerEventSchema } from '../channels/dingtalk/schema';
import { asBotError, type ConfigError } from '../errors';
import type { FcContext } from '../fc/context';
import { withLogFields, type Logger } from '../logging/logger';
import { parseJson, parseWith } from '../validation/parse';
import { CONFIG_NOTICE_TITLE, configErrorText } from '../config/config-error-text';

export interface MisconfiguredWorkerDependencies {
  error: ConfigError;
  /** The session webhook needs no access token, so it works whatever DingTalk setting is broken. */
  webhook: SessionWebhookSender;
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
        message = parseWith(WorkerEventSchema, parseJson(event.toString('utf8'))).message;
      } catch (parseError) {
        logger.error('worker event refused', { ...fields, error: asBotError(parseError) });
        return 'refused';
      }
      const webhook = { url: message.sessionWebhook, expiresAt: message.sessionWebhookExpiredTime };
      try {
        await deps.webhook.send(webhook, notice);
        logger.error('worker settings invalid; the user was told', { ...fields, msgId: message.msgId });
      } catch (sendError) {
        logger.error('worker settings invalid; the notice could not be delivered', {
          ...fields,
          msgId: message.msgId,
          error: asBotError(sendError),
        });
      }
      return 'misconfigured';
    });
}
