import { randomUUID } from 'node:crypto';
import { createCallbackRouter } from '../../shared/callback/router';
import { createDingTalkRoute } from '../../shared/channels/dingtalk/handle-callback';
import { createSignaturePairGuard } from '../../shared/callback/signature-pairs';
import { createMisconfiguredDingTalkRoute, MISCONFIGURED_RESPONSE } from '../../shared/channels/dingtalk/misconfigured-callback';
import { postWebhookNotice } from '../../shared/channels/dingtalk/webhook-notice';
import { DEFAULT_CALLBACK_MAX_BODY_BYTES, loadCallbackConfig, type CallbackConfig } from '../../shared/config/callback-config';
import { dingtalkIsOn } from '../../shared/config/dingtalk-config';
import { optionalString } from '../../shared/config/env';
import { ossClientOptions } from '../../shared/config/oss-config';
import { readSettingsFile, withSettingsFile } from '../../shared/config/settings-file';
import { wireWithSettings } from '../../shared/config/wire-with-settings';
import { webhookHostsOrDefault } from '../../shared/channels/dingtalk/webhook-hosts';
import { createChannelsConfigCache } from '../../shared/channels/group-robot/channels-config-cache';
import { createPushRoute } from '../../shared/channels/group-robot/push-route';
import { defaultInvokeEndpoint, type FcContext } from '../../shared/fc/context';
import { createFcInvoker } from '../../shared/fc/fc-invoker';
import { createLogger } from '../../shared/logging/logger';
import { createStackMapper } from '../../shared/logging/source-mapped-stack';
import { createOssLiteClient } from '../../shared/storage/oss/oss-lite-client';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAnswerStore } from '../../shared/channels/wechat/answer-store';
import { createMisconfiguredWechatRoute } from '../../shared/channels/wechat/misconfigured-route';
import { scaledPassiveTiming } from '../../shared/channels/wechat/passive-timing';
import { objectsOverOssLite } from '../../shared/channels/wechat/stored-objects';
import { createWechatRoute } from '../../shared/channels/wechat/wechat-route';
import { loadWechatCallbackConfig, localWechatWaitMs, wechatNoticeSettings, type WechatCallbackConfig } from '../../shared/config/wechat-config';

// Wiring only: settings once per instance, clients per invocation (they sign with that invocation's credentials),
// each FC event handed to the shared pipeline. A malformed setting wires the handler that says which one instead.
const env = withSettingsFile(process.env, readSettingsFile(__dirname));
const functionName = process.env['FC_FUNCTION_NAME'] ?? 'dingtalk-llm-callback';
// Logged stacks name the TypeScript sources; the bundle's map is read at the first one, not at start-up.
const mapStack = createStackMapper({ bundle: __filename });
const logger = (level: CallbackConfig['logLevel'], secrets: string[]) =>
  createLogger({ service: 'dingtalk-callback', level, secrets, mapStack }).child({ function_name: functionName });

export const handler = wireWithSettings(
  () => ({ config: loadCallbackConfig(env), wechat: loadWechatCallbackConfig(env), wechatWaitMs: localWechatWaitMs(env) }),
  ({ config, wechat, wechatWaitMs }) => wireCallback(config, wechat, wechatWaitMs),
  (error) => {
    const appSecret = optionalString(env, 'DINGTALK_APP_SECRET');
    const runsLocally = env['LOCAL_STACK'] === 'true';
    // WeChat users are told too, when the settings that verify and seal their messages are fine.
    const wechat = wechatNoticeSettings(env);
    const log = logger('info', [appSecret ?? '', optionalString(env, 'PUSH_TOKEN') ?? '', wechat?.token ?? '', wechat?.encodingAesKey ?? '']);
    const maxBodyBytes = DEFAULT_CALLBACK_MAX_BODY_BYTES;
    const routes = [
      createMisconfiguredDingTalkRoute({
        error,
        // DingTalk users are told only when the robot is on and its secret, which proves a request is DingTalk's, is fine.
        appSecret: error.variable === 'DINGTALK_APP_SECRET' || !dingtalkIsOn(env) ? undefined : appSecret,
        webhookHosts: webhookHostsOrDefault(env),
        postNotice: postWebhookNotice,
        logger: log,
        now: Date.now,
        runsLocally,
      }),
      ...(wechat ? [createMisconfiguredWechatRoute({ error, settings: wechat, logger: log, now: Date.now, runsLocally, maxBodyBytes })] : []),
    ];
    return createCallbackRouter({ routes, maxBodyBytes, logger: log, health: MISCONFIGURED_RESPONSE });
  },
);

function wireCallback(config: Readonly<CallbackConfig>, wechat: Readonly<WechatCallbackConfig> | undefined, wechatWaitMs: number | undefined) {
  const secrets = [config.dingtalk?.appSecret ?? '', config.groupRobot.pushToken ?? '', ...(wechat ? [wechat.token, wechat.encodingAesKey ?? ''] : [])];
  const log = logger(config.logLevel, secrets);
  // What every route shares: the way to the worker, the clock, the logger and fresh delivery ids.
  const handOver = {
    createInvoker: (context: FcContext) =>
      createFcInvoker({
        endpoint: config.invokeEndpoint ?? defaultInvokeEndpoint(context),
        functionName: config.workerFunctionName,
        ...(config.workerQualifier ? { qualifier: config.workerQualifier } : {}),
        credentials: context.credentials,
        timeoutMs: config.invokeTimeoutMs,
      }),
    logger: log,
    now: Date.now,
    newDeliveryId: randomUUID,
  };
  const ossLite = (context: FcContext) => createOssLiteClient(ossClientOptions(config.oss, context.credentials));
  const createPairGuard = (context: FcContext) => createSignaturePairGuard({ oss: ossLite(context), prefix: config.signaturePrefix, now: Date.now });
  // Once per instance: a warm callback reads the channels config about once a minute, with that request's credentials.
  const channelsConfig = createChannelsConfigCache({ key: config.groupRobot.configKey, webhookHosts: config.webhookHosts });
  const push = createPushRoute({
    pushToken: config.groupRobot.pushToken,
    readConfig: (context) => channelsConfig.get((key, maxBytes) => ossLite(context).get(key, maxBytes)),
    handOver: (event, taskId, context) => handOver.createInvoker(context).invokeAsync(JSON.stringify(event), { taskId }),
    now: Date.now,
    logger: log,
    newId: randomUUID,
  });
  // One route per channel that is on, each on its own trigger path (docs/architecture.md).
  const routes = [push];
  if (config.dingtalk) routes.push(createDingTalkRoute({ ...config.dingtalk, webhookHosts: config.webhookHosts, createPairGuard, ...handOver }));
  if (wechat) {
    routes.push(
      createWechatRoute({
        settings: { ...wechat, maxBodyBytes: config.maxBodyBytes },
        handOver: (payload, taskId, context) => handOver.createInvoker(context).invokeAsync(payload, { taskId }),
        answerStore: (context) => createAnswerStore(objectsOverOssLite(ossLite(context)), wechat.prefix, log),
        pairGuard: (context) => createSignaturePairGuard({ oss: ossLite(context), prefix: `${wechat.prefix}signatures/`, now: Date.now, siblings: false }),
        sleep: (ms) => sleep(ms),
        ...handOver,
        ...(wechatWaitMs === undefined ? {} : { timing: scaledPassiveTiming(wechatWaitMs) }),
      }),
    );
  }
  return createCallbackRouter({ routes, maxBodyBytes: config.maxBodyBytes, logger: log });
}
