import type { ChannelRoute } from '../channel';
import { configErrorText } from '../../config/config-error-text';
import type { ConfigError } from '../../errors';
import type { HttpResponse } from '../../fc/http-event';
import type { Logger } from '../../logging/logger';
import { createWechatCipher } from './crypto';
import { readWechatRequest } from './read-request';
import { WECHAT_PATH } from './wechat-route';

export interface MisconfiguredWechatDependencies {
  error: ConfigError;
  /** From wechatNoticeSettings: the settings that are fine and enough to verify a request and reply to it. */
  settings: { token: string; appId: string; encodingAesKey: string | undefined };
  logger: Logger;
  now: () => number;
  runsLocally: boolean;
  /** The body limit: the default, since CALLBACK_MAX_BODY_BYTES may be the malformed setting. */
  maxBodyBytes: number;
}

/**
 * /wechat while a callback setting is malformed: nothing can reach the worker, so a verified message is answered
 * with a passive text naming the setting (never its value), as DingTalk's misconfigured callback does in its chat.
 * The URL check still passes, so the admin can save the server URL while fixing the rest. Refusals are thrown, and
 * the router answers them as usual.
 */
export function createMisconfiguredWechatRoute(deps: MisconfiguredWechatDependencies): ChannelRoute {
  const { error, settings, logger } = deps;
  const fields = { variable: error.variable, problem: error.message };
  const cipher = settings.encodingAesKey === undefined ? undefined : createWechatCipher(settings.encodingAesKey, settings.appId);
  const requestSettings = { token: settings.token, appId: settings.appId, cipher, maxBodyBytes: deps.maxBodyBytes };
  const text = (body: string, type = 'text/plain'): HttpResponse => ({
    statusCode: 200, headers: { 'content-type': `${type}; charset=utf-8` }, isBase64Encoded: false, body,
  });
  return {
    path: WECHAT_PATH,
    async handle(request) {
      const read = readWechatRequest(request, requestSettings, deps.now());
      if (read.kind === 'verification') return text(read.echostr);
      if (read.message.kind === 'event' && read.message.event !== 'subscribe') return text('success');
      logger.error('callback settings invalid; the WeChat user was told', { ...fields, msgId: read.message.id });
      return text(read.encodeReply(configErrorText(error, deps.runsLocally), deps.now()), 'application/xml');
    },
  };
}
