import type { WebhookHostList } from '../dingtalk/webhook-hosts';
import type { FcContext } from '../../fc/context';
import type { AsyncInvoker } from '../../fc/fc-invoker';
import type { Logger } from '../../logging/logger';
import type { OssLiteClient } from '../../storage/oss/oss-lite-client';
import type { ChannelRoute } from '../channel';
import { createChannelsConfigCache } from './channels-config-cache';
import { createPushRoute } from './push-route';

/**
 * The callback's POST /push with what it is built from: the channels config, cached once per instance and read about
 * once a minute with the request's credentials, and the hand-over to the worker. A module of its own so that the
 * callback loads it only when PUSH_TOKEN is set (functions/callback/index.ts).
 */
export interface PushCallbackOptions {
  pushToken: string;
  configKey: string;
  webhookHosts: WebhookHostList;
  ossLite: (context: FcContext) => OssLiteClient;
  createInvoker: (context: FcContext) => AsyncInvoker;
  logger: Logger;
  now: () => number;
  newId: () => string;
}

export function createPushCallbackRoute(options: PushCallbackOptions): ChannelRoute {
  const channelsConfig = createChannelsConfigCache({ key: options.configKey, webhookHosts: options.webhookHosts });
  return createPushRoute({
    pushToken: options.pushToken,
    readConfig: (context) => channelsConfig.get((key, maxBytes) => options.ossLite(context).get(key, maxBytes)),
    handOver: (event, taskId, context) => options.createInvoker(context).invokeAsync(JSON.stringify(event), { taskId }),
    now: options.now,
    logger: options.logger,
    newId: options.newId,
  });
}
