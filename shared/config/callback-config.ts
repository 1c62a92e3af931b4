import { integer, logLevel, optionalString, optionalUrl, requiredString, type Env, type LogLevelSetting } from './env';

export interface CallbackConfig {
  appSecret: string;
  workerFunctionName: string;
  workerQualifier: string | undefined;
  /** Overrides the invoke endpoint built from the FC context (https://<accountId>.<region>.fc.aliyuncs.com). */
  fcEndpoint: string | undefined;
  maxBodyBytes: number;
  invokeTimeoutMs: number;
  logLevel: LogLevelSetting;
}

/** Read once at cold start; a bad value throws ConfigError naming the variable. */
export function loadCallbackConfig(env: Env): Readonly<CallbackConfig> {
  return Object.freeze({
    appSecret: requiredString(env, 'DINGTALK_APP_SECRET'),
    workerFunctionName: optionalString(env, 'WORKER_FUNCTION_NAME', 'dingtalk-llm-worker'),
    workerQualifier: optionalString(env, 'WORKER_QUALIFIER'),
    fcEndpoint: optionalUrl(env, 'FC_ENDPOINT'),
    // FC accepts at most 128 KB for an async invocation; DingTalk text messages are far smaller.
    maxBodyBytes: integer(env, 'CALLBACK_MAX_BODY_BYTES', 64 * 1024, { min: 1024, max: 120 * 1024 }),
    invokeTimeoutMs: integer(env, 'INVOKE_TIMEOUT_MS', 3000, { min: 100, max: 9000 }),
    logLevel: logLevel(env),
  });
}
