/**
 * Every setting the product reads, where it is read, and where an admin gives it. The build checks the settings file
 * against this list (an unknown or secret key there fails the build), and tests hold s.yaml and the README's
 * settings table against it, so a setting cannot be documented for a function that never receives it.
 *
 * `env`: an environment variable, which s.yaml passes to every function in its scope.
 * `file`: too long or list-like for Function Compute's 4 KB limit on one function's variables (docs/platform-limits.md),
 * so it goes in settings.env, which the build packs beside each bundle; an environment variable still wins.
 * `secret`: never allowed in settings.env (the code package is readable by more people than the function's variables).
 */
export type SettingScope = 'callback' | 'worker' | 'both' | 'deploy' | 'local';

export interface SettingInfo {
  scope: SettingScope;
  source: 'env' | 'file';
  secret?: true;
}

const env = (scope: SettingScope, secret?: true): SettingInfo => ({ scope, source: 'env', ...(secret ? { secret } : {}) });
const file = (scope: SettingScope): SettingInfo => ({ scope, source: 'file' });

export const SETTINGS: Readonly<Record<string, SettingInfo>> = {
  DINGTALK_APP_KEY: env('both'),
  DINGTALK_APP_SECRET: env('both', true),
  DINGTALK_API_BASE: env('worker'),
  DINGTALK_WEBHOOK_HOSTS: env('both'),
  OPENAI_API_KEY: env('worker', true),
  OPENAI_BASE_URL: env('worker'),
  OPENAI_MODEL: env('worker'),
  OPENAI_TEMPERATURE: env('worker'),
  OPENAI_MAX_TOKENS: env('worker'),
  OPENAI_TIMEOUT_MS: env('worker'),
  OPENAI_MODELS: file('worker'),
  OPENAI_VISION_MODELS: file('worker'),
  SYSTEM_PROMPT: file('worker'),
  SHOW_REASONING: env('worker'),
  OSS_BUCKET: env('both'),
  OSS_REGION: env('both'),
  OSS_ENDPOINT: env('both'),
  OSS_INTERNAL: env('both'),
  OSS_TIMEOUT_MS: env('both'),
  HISTORY_PREFIX: env('worker'),
  HISTORY_TAIL_BYTES: env('worker'),
  HISTORY_MAX_BYTES: env('worker'),
  MESSAGE_PREFIX: env('worker'),
  HISTORY_MAX_TOKENS: env('worker'),
  PROMPT_MAX_TOKENS: env('worker'),
  SESSION_TIMEOUT_MINUTES: env('worker'),
  GROUP_SHARED_HISTORY: env('worker'),
  RESET_COMMANDS: file('worker'),
  HELP_COMMANDS: file('both'),
  REPLY_MAX_CHARS: env('worker'),
  IMAGE_MAX_BYTES: env('worker'),
  IMAGE_MAX_COUNT: env('worker'),
  IMAGE_TOTAL_MAX_BYTES: env('worker'),
  DINGTALK_CARD_TEMPLATE_ID: env('worker'),
  DINGTALK_CARD_CONTENT_KEY: env('worker'),
  CARD_UPDATE_INTERVAL_MS: env('worker'),
  CARD_UPDATE_MIN_CHARS: env('worker'),
  CARD_MAX_CHARS: env('worker'),
  WORKER_TIMEOUT_SECONDS: env('worker'),
  WORKER_FUNCTION_NAME: env('callback'),
  WORKER_QUALIFIER: env('callback'),
  WORKER_INVOKE_ENDPOINT: env('callback'),
  CALLBACK_MAX_BODY_BYTES: env('callback'),
  SIGNATURE_PREFIX: env('callback'),
  INVOKE_TIMEOUT_MS: env('callback'),
  PUSH_TOKEN: env('callback', true),
  CHANNELS_CONFIG_KEY: env('both'),
  ROBOT_SENDS_PREFIX: env('worker'),
  CONTROLS_PREFIX: env('worker'),
  CONTROLS_FILE: env('deploy'),
  LOG_LEVEL: env('both'),
  WECHAT_TOKEN: env('callback', true),
  WECHAT_APP_ID: env('both'),
  WECHAT_APP_SECRET: env('worker', true),
  WECHAT_ENCODING_AES_KEY: env('callback', true),
  WECHAT_API_BASE: env('worker'),
  WECHAT_CUSTOMER_SERVICE: env('both'),
  WECHAT_PREFIX: env('both'),
  DEPLOY_REGION: env('deploy'),
  DEPLOY_ROLE_ARN: env('deploy'),
  CALLBACK_FUNCTION_NAME: env('deploy'),
  SERVERLESS_DEVS_ACCESS: env('deploy'),
  LOCAL_PORT: env('local'),
  LOCAL_HOST: env('local'),
  LOCAL_DATA_DIR: env('local'),
  CHAT_TARGET_URL: env('local'),
  LOCAL_CHAT_PORT: env('local'),
  LOCAL_ROBOT_PORT: env('local'),
  LOCAL_STACK: env('local'),
  LOCAL_WECHAT_WAIT_MS: env('local'),
  LOCAL_DEMO_MODEL: env('local'),
  LOCAL_LOG_FORMAT: env('local'),
};

/** The settings file may hold a function setting that is not a secret. */
export function settingsFileProblem(name: string): string | undefined {
  const info = SETTINGS[name];
  if (info === undefined) return `${name} is not a setting of this product (a typo?)`;
  if (info.secret) return `${name} is a secret: set it as an environment variable (.env for s deploy), not in settings.env`;
  if (info.scope === 'deploy' || info.scope === 'local') return `${name} is read by s deploy or npm start, not by the functions`;
  return undefined;
}
