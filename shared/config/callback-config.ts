import { webhookHostsSetting, type WebhookHostList } from '../channels/dingtalk/webhook-hosts';
import { groupRobotCallbackSettings, type GroupRobotCallbackSettings } from './group-robot-config';
import { dingtalkApp, requireSomeCallbackChannel, type DingTalkApp } from './dingtalk-config';
import { integer, logLevel, optionalString, optionalUrl, type Env, type LogLevelSetting } from './env';
import { normalizePrefix, ossSettings, type OssSettings } from './oss-config';
import { dingtalkRobots, loadRobots } from '../controls/config/load-robots';
import type { ResolvedRobot } from '../controls/config/resolve-robots';

/** CALLBACK_MAX_BODY_BYTES unset; also the limit while the callback's settings are malformed (it may be that one). */
export const DEFAULT_CALLBACK_MAX_BODY_BYTES = 64 * 1024;

export interface CallbackConfig {
  /** Set when the DingTalk robot is on (DINGTALK_APP_KEY): its route is '/'. */
  dingtalk: DingTalkApp | undefined;
  /** Every DingTalk robot with its path: the env robot on '/' (when on) and the controls file's (docs/controls.md §7). */
  robots: readonly ResolvedRobot[];
  workerFunctionName: string;
  workerQualifier: string | undefined;
  /** Overrides the invoke endpoint built from the FC context (https://<accountId>.<region>.fc.aliyuncs.com). */
  invokeEndpoint: string | undefined;
  maxBodyBytes: number;
  invokeTimeoutMs: number;
  webhookHosts: WebhookHostList;
  /** Where each (timestamp, sign) pair's record lives; an OSS lifecycle rule on it removes them after a day. */
  oss: OssSettings;
  signaturePrefix: string;
  /** POST /push and the channels config object it reads. */
  groupRobot: GroupRobotCallbackSettings;
  logLevel: LogLevelSetting;
}

/**
 * Read once at cold start with the packed controls file's text; a bad value throws ConfigError naming the variable
 * (or the field of controls.json), and so does a callback with no channel on (no DingTalk robot, WeChat or push).
 */
export function loadCallbackConfig(env: Env, controlsText?: string): Readonly<CallbackConfig> {
  const dingtalk = dingtalkApp(env);
  const robots = dingtalkRobots(loadRobots(controlsText, env));
  const groupRobot = groupRobotCallbackSettings(env);
  requireSomeCallbackChannel(env, dingtalk, groupRobot.pushToken, robots.filter((robot) => robot.name !== 'dingtalk').length);
  return Object.freeze({
    dingtalk,
    robots,
    workerFunctionName: optionalString(env, 'WORKER_FUNCTION_NAME', 'dingtalk-llm-worker'),
    workerQualifier: optionalString(env, 'WORKER_QUALIFIER'),
    invokeEndpoint: optionalUrl(env, 'WORKER_INVOKE_ENDPOINT'),
    // FC accepts at most 128 KB for an async invocation; DingTalk text messages are far smaller.
    maxBodyBytes: integer(env, 'CALLBACK_MAX_BODY_BYTES', DEFAULT_CALLBACK_MAX_BODY_BYTES, { min: 1024, max: 120 * 1024 }),
    invokeTimeoutMs: integer(env, 'INVOKE_TIMEOUT_MS', 3000, { min: 100, max: 9000 }),
    webhookHosts: webhookHostsSetting(env),
    // DingTalk gives up on a callback after ~10 s, so the callback's OSS budget is far shorter than the worker's.
    oss: ossSettings(env, 2000, 9000),
    signaturePrefix: normalizePrefix(optionalString(env, 'SIGNATURE_PREFIX', 'dingtalk-llm/signatures/')),
    groupRobot,
    logLevel: logLevel(env),
  });
}
