import { randomUUID } from 'node:crypto';
import { createCallbackRouter } from '../../shared/callback/router';
import type { ChannelRoute } from '../../shared/channels/channel';
import { createDingTalkRobotRoutes } from '../../shared/channels/dingtalk/robot-routes';
import { readControlsFile, robotSecretsOf } from '../../shared/controls/config/controls-file';
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
import { defaultInvokeEndpoint, type FcContext } from '../../shared/fc/context';
import { createFcInvoker } from '../../shared/fc/fc-invoker';
import { createLogger } from '../../shared/logging/logger';
import { createStackMapper } from '../../shared/logging/source-mapped-stack';
import { createOssLiteClient } from '../../shared/storage/oss/oss-lite-client';
import { loadWechatCallbackConfig, localWechatWaitMs, wechatNoticeSettings, type WechatCallbackConfig } from '../../shared/config/wechat-config';

// Wiring only: settings once per instance, clients per invocation (they sign with that invocation's credentials),
// each FC event handed to the shared pipeline. A malformed setting wires the handler that says which one instead.
const env = withSettingsFile(process.env, readSettingsFile(__dirname));
// The controls file packed beside the bundle (docs/controls.md §5), checked with the other settings below.
const controlsText = readControlsFile(__dirname);
const functionName = process.env['FC_FUNCTION_NAME'] ?? 'dingtalk-llm-callback';
// Logged stacks name the TypeScript sources; the bundle's map is read at the first one, not at start-up.
const mapStack = createStackMapper({ bundle: __filename });
// The WeChat and push routes are loaded only when their settings turn them on: a `require` inside a function is
// bundled to run when called, so a deployment that serves DingTalk alone never evaluates WeChat's XML parser or the
// channels-config schemas at a cold start (docs/function-compute.md §7).
const wechatRoutes = (): typeof import('../../shared/channels/wechat/wechat-callback') => require('../../shared/channels/wechat/wechat-callback');
const pushRoutes = (): typeof import('../../shared/channels/group-robot/push-callback') => require('../../shared/channels/group-robot/push-callback');
const logger = (level: CallbackConfig['logLevel'], secrets: string[]) =>
  createLogger({ service: 'dingtalk-callback', level, secrets, mapStack }).child({ function_name: functionName });

export const handler = wireWithSettings(
  () => ({ config: loadCallbackConfig(env, controlsText), wechat: loadWechatCallbackConfig(env), wechatWaitMs: localWechatWaitMs(env) }),
  ({ config, wechat, wechatWaitMs }) => wireCallback(config, wechat, wechatWaitMs),
  (error) => {
    const appSecret = optionalString(env, 'DINGTALK_APP_SECRET');
    const runsLocally = env['LOCAL_STACK'] === 'true';
    // WeChat users are told too, when the settings that verify and seal their messages are fine.
    const wechat = wechatNoticeSettings(env);
    const log = logger('info', [appSecret ?? '', optionalString(env, 'PUSH_TOKEN') ?? '', wechat?.token ?? '', wechat?.encodingAesKey ?? '', ...robotSecretsOf(controlsText, env)]);
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
      ...(wechat ? [wechatRoutes().createMisconfiguredWechatRoute({ error, settings: wechat, logger: log, now: Date.now, runsLocally, maxBodyBytes })] : []),
    ];
    return createCallbackRouter({ routes, maxBodyBytes, logger: log, health: MISCONFIGURED_RESPONSE });
  },
);

function wireCallback(config: Readonly<CallbackConfig>, wechat: Readonly<WechatCallbackConfig> | undefined, wechatWaitMs: number | undefined) {
  const secrets = [...config.robots.map((robot) => robot.appSecret ?? ''), config.groupRobot.pushToken ?? '', ...(wechat ? [wechat.token, wechat.encodingAesKey ?? ''] : [])];
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
  // One route per channel that is on, each on its own trigger path (docs/architecture.md); DingTalk one per robot.
  const routes: ChannelRoute[] = createDingTalkRobotRoutes(config.robots, {
    webhookHosts: config.webhookHosts,
    createPairGuard,
    ...handOver,
    postNotice: postWebhookNotice,
    runsLocally: env['LOCAL_STACK'] === 'true',
  });
  if (wechat) {
    const { createWechatCallbackRoute } = wechatRoutes();
    routes.push(createWechatCallbackRoute({ wechat, maxBodyBytes: config.maxBodyBytes, localWaitMs: wechatWaitMs, ossLite, ...handOver }));
  }
  const { pushToken, configKey } = config.groupRobot;
  if (pushToken !== undefined) {
    const { createPushCallbackRoute } = pushRoutes();
    routes.push(createPushCallbackRoute({ pushToken, configKey, webhookHosts: config.webhookHosts, ossLite, ...handOver, newId: randomUUID }));
  }
  return createCallbackRouter({ routes, maxBodyBytes: config.maxBodyBytes, logger: log });
}
