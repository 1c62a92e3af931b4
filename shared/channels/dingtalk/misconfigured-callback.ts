import { CONFIG_NOTICE_TITLE, configErrorText } from '../../config/config-error-text';
import { isAllowedWebhook, type WebhookHostList } from './webhook-hosts';
import { WebhookHostError, asBotError, type ConfigError } from '../../errors';
import { jsonResponse, type HttpResponse } from '../../fc/http-event';
import type { Logger } from '../../logging/logger';
import type { ChannelRoute } from '../channel';
import { readSignedCallback } from './signed-callback';

export interface MisconfiguredCallbackDependencies {
  error: ConfigError;
  /** Set when the secret itself is fine: only a request signed with it is answered in the chat. */
  appSecret: string | undefined;
  /** DINGTALK_WEBHOOK_HOSTS when it parses, DingTalk's own host otherwise. */
  webhookHosts: WebhookHostList;
  postNotice: (webhookUrl: string, notice: { title: string; text: string }) => Promise<void>;
  logger: Logger;
  now: () => number;
  runsLocally: boolean;
  /** The trigger path it refuses; `/` by default (one robot of the controls file refuses only its own). */
  path?: string;
}

/** What every request the misconfigured callback cannot answer in a chat gets, the health check included. */
export const MISCONFIGURED_RESPONSE: HttpResponse = jsonResponse(503, { error: 'CONFIG_INVALID', message: 'the robot is not configured correctly' });

/**
 * The callback when one of its settings is malformed. It cannot hand messages to the worker, so instead of failing
 * every request in silence it tells the sender of a genuinely signed message which setting to fix (the variable and
 * what it expects, never its value) and answers DingTalk 200, since a redelivery would only repeat the notice. An
 * unsigned request, or any request when the secret is the broken setting, gets a plain 503 (not the usual 4xx: the
 * request may be fine, the robot is not). The route for `/`; the router serves it (shared/callback/router.ts).
 */
export function createMisconfiguredDingTalkRoute(deps: MisconfiguredCallbackDependencies): ChannelRoute {
  const { error, logger } = deps;
  const fields = { variable: error.variable, problem: error.message };
  logger.error('callback settings invalid: no message reaches the worker until they are fixed', fields);
  const notice = { title: CONFIG_NOTICE_TITLE, text: configErrorText(error, deps.runsLocally) };

  return {
    path: deps.path ?? '/',
    async handle(request) {
      if (deps.appSecret === undefined) {
        logger.error('callback settings invalid; request refused', fields);
        return MISCONFIGURED_RESPONSE;
      }
      try {
        const { message } = readSignedCallback(request, deps.appSecret, deps.now());
        if (!isAllowedWebhook(message.sessionWebhook, deps.webhookHosts)) throw new WebhookHostError();
        await deps.postNotice(message.sessionWebhook, notice);
        logger.error('callback settings invalid; the user was told', { ...fields, msgId: message.msgId });
        return jsonResponse(200, {});
      } catch (failure) {
        logger.error('callback settings invalid; request refused', { ...fields, error: asBotError(failure) });
        return MISCONFIGURED_RESPONSE;
      }
    },
  };
}
