import { webhookHostsSetting, type WebhookHostList } from '../channels/dingtalk/webhook-hosts';
import { boolean, integer, list, logLevel, optionalNumber, optionalString, optionalUrl } from './env';
import type { Env, LogLevelSetting } from './env';
import { ConfigError } from '../errors';
import { normalizePrefix, ossSettings, type OssSettings } from './oss-config';
import { groupRobotWorkerSettings, type GroupRobotWorkerSettings } from './group-robot-config';
import { dingtalkApp, type DingTalkApp } from './dingtalk-config';
import { helpCommands, resetCommands } from './command-settings';
import { loadRobots } from '../controls/config/load-robots';
import type { ResolvedRobot } from '../controls/config/resolve-robots';

/** CONTROLS_PREFIX: where the control ledger of each robot lives (`<prefix><robot>/…`, docs/controls.md §5). */
export const DEFAULT_CONTROLS_PREFIX = 'dingtalk-llm/controls/';

export const DEFAULT_SYSTEM_PROMPT =
  '你是钉钉里的智能助手。请用简体中文回答（除非用户使用其他语言），回答准确、简洁，必要时使用 Markdown。';

export interface WorkerConfig {
  /**
   * Set when the DingTalk robot is on (DINGTALK_APP_KEY). Without it, and without WeChat, the worker still runs the
   * group robots' jobs and pushes, which need only the channels config in the bucket.
   */
  dingtalk: (DingTalkApp & { apiBase: string }) | undefined;
  /** DINGTALK_API_BASE, for every DingTalk robot (the env robot's and the controls file's). */
  dingtalkApiBase: string;
  /** Checked again before each session-webhook post, whatever the callback let through. */
  webhookHosts: WebhookHostList;
  /** Undefined when no key is set: the robot then answers with a setup hint instead of failing. */
  model:
    | { apiKeys: string[]; baseURL: string; model: string; temperature?: number; maxTokens?: number; timeoutMs: number }
    | undefined;
  /** What `/model` may choose (the configured model first) and which of them take pictures. */
  models: { allowed: string[]; vision: string[] };
  /** Set when AI cards are configured: answers then stream into a card instead of a markdown message. */
  card: (CardCadence & { templateId: string }) | undefined;
  /** How any robot's cards are streamed, also a robot's of the controls file with a template of its own. */
  cardCadence: CardCadence;
  /** The env robot (when on), the WeChat robot and the controls file's robots (docs/controls.md §7). */
  robots: readonly ResolvedRobot[];
  /** Where the control ledger objects go. */
  controlsPrefix: string;
  showReasoning: boolean;
  imageMaxBytes: number;
  /** Pictures of one message: how many are read, and the bytes they may have together. */
  images: { maxCount: number; totalMaxBytes: number };
  systemPrompt: string;
  oss: OssSettings;
  history: HistorySettings;
  /** Where each message's claim object goes (message-claims.ts). */
  messagePrefix: string;
  /** The channels config object and the robots' send windows. */
  groupRobot: GroupRobotWorkerSettings;
  commands: { reset: string[]; help: string[] };
  reply: { maxChars: number };
  /** Used when FC's context does not say the function's timeout. */
  defaultTimeoutSeconds: number;
  logLevel: LogLevelSetting;
  /** Set by the local stack (`npm start`), so hints name .env and a restart instead of a redeploy. */
  runsLocally: boolean;
}

export interface CardCadence {
  contentKey: string;
  minIntervalMs: number;
  minGrowthChars: number;
  maxChars: number;
}

/** `tokenBudget` caps the history in the prompt; `promptTokenBudget` the whole prompt (system, history, message). */
export interface HistorySettings {
  prefix: string;
  tailBytes: number;
  /** An object past this moves to a fresh one (shared/history/rotation.ts). */
  maxBytes: number;
  tokenBudget: number;
  promptTokenBudget: number;
  sessionTimeoutMs: number;
  groupShared: boolean;
}

/**
 * What the pictures of one message may add up to by default, and the largest one: a picture turn costs about 12 MB of
 * memory per MiB of pictures (bytes, base64, the JSON request and its buffer), so 3 MiB keeps the worst message under
 * 80% of the 128 MB worker s.yaml deploys (`npm run bench`, memory figures). A larger worker can take larger limits.
 */
export const DEFAULT_PICTURE_BYTES = 3 * 1024 * 1024;

/**
 * Read once at cold start with the packed controls file's text; a bad value throws ConfigError naming the variable
 * (or the field of controls.json).
 */
export function loadWorkerConfig(env: Env, controlsText?: string): Readonly<WorkerConfig> {
  const config = readWorkerConfig(env, controlsText);
  // Below four tails, nearly every turn would move the conversation to a fresh object.
  if (config.history.maxBytes < 4 * config.history.tailBytes) {
    throw new ConfigError('HISTORY_MAX_BYTES', {
      en: 'must be at least 4 × HISTORY_TAIL_BYTES',
      zh: '必须至少是 HISTORY_TAIL_BYTES 的 4 倍',
    });
  }
  return config;
}

function readWorkerConfig(env: Env, controlsText: string | undefined): Readonly<WorkerConfig> {
  const apiKeys = list(env, 'OPENAI_API_KEY', []);
  const temperature = optionalNumber(env, 'OPENAI_TEMPERATURE', { min: 0, max: 2 });
  const maxTokens = optionalNumber(env, 'OPENAI_MAX_TOKENS', { min: 1, max: 1_000_000 });
  const model = optionalString(env, 'OPENAI_MODEL', 'gpt-4o-mini');
  const cardTemplateId = optionalString(env, 'DINGTALK_CARD_TEMPLATE_ID');
  const dingtalk = dingtalkApp(env);
  // Read either way, so a malformed base URL is reported even while the robot is off.
  const dingtalkApiBase = optionalUrl(env, 'DINGTALK_API_BASE', 'https://api.dingtalk.com') as string;
  const cardCadence: CardCadence = {
    contentKey: optionalString(env, 'DINGTALK_CARD_CONTENT_KEY', 'content'),
    minIntervalMs: integer(env, 'CARD_UPDATE_INTERVAL_MS', 1000, { min: 100, max: 60_000 }),
    minGrowthChars: integer(env, 'CARD_UPDATE_MIN_CHARS', 50, { min: 1, max: 5000 }),
    maxChars: integer(env, 'CARD_MAX_CHARS', 2500, { min: 200, max: 3000 }),
  };
  return Object.freeze({
    dingtalk: dingtalk && { ...dingtalk, apiBase: dingtalkApiBase },
    dingtalkApiBase,
    webhookHosts: webhookHostsSetting(env),
    model:
      apiKeys.length === 0
        ? undefined
        : {
            apiKeys,
            baseURL: optionalUrl(env, 'OPENAI_BASE_URL', 'https://api.openai.com/v1') as string,
            model,
            ...(temperature === undefined ? {} : { temperature }),
            ...(maxTokens === undefined ? {} : { maxTokens: Math.round(maxTokens) }),
            timeoutMs: integer(env, 'OPENAI_TIMEOUT_MS', 60_000, { min: 1000, max: 600_000 }),
          },
    models: {
      allowed: [...new Set([model, ...list(env, 'OPENAI_MODELS', [])])],
      vision: list(env, 'OPENAI_VISION_MODELS', []),
    },
    card: cardTemplateId === undefined ? undefined : { templateId: cardTemplateId, ...cardCadence },
    cardCadence,
    robots: loadRobots(controlsText, env),
    controlsPrefix: normalizePrefix(optionalString(env, 'CONTROLS_PREFIX', DEFAULT_CONTROLS_PREFIX)),
    showReasoning: boolean(env, 'SHOW_REASONING', false),
    imageMaxBytes: integer(env, 'IMAGE_MAX_BYTES', DEFAULT_PICTURE_BYTES, { min: 1024, max: 20 * 1024 * 1024 }),
    images: {
      maxCount: integer(env, 'IMAGE_MAX_COUNT', 4, { min: 1, max: 20 }),
      totalMaxBytes: integer(env, 'IMAGE_TOTAL_MAX_BYTES', DEFAULT_PICTURE_BYTES, { min: 1024, max: 64 * 1024 * 1024 }),
    },
    systemPrompt: optionalString(env, 'SYSTEM_PROMPT', DEFAULT_SYSTEM_PROMPT),
    oss: ossSettings(env, 10_000, 60_000),
    history: {
      prefix: normalizePrefix(optionalString(env, 'HISTORY_PREFIX', 'dingtalk-llm/history/')),
      tailBytes: integer(env, 'HISTORY_TAIL_BYTES', 64 * 1024, { min: 4096, max: 4 * 1024 * 1024 }),
      // An object past this moves to a fresh one, its copy kept (shared/history/rotation.ts); ≥ 4 tails, so that a
      // rotation is rare, and small enough that the copy is read into memory at once.
      maxBytes: integer(env, 'HISTORY_MAX_BYTES', 1024 * 1024, { min: 16 * 1024, max: 16 * 1024 * 1024 }),
      tokenBudget: integer(env, 'HISTORY_MAX_TOKENS', 4000, { min: 0, max: 1_000_000 }),
      // Room for a 2,000-character persona and a message at the least; 16k leaves a 32k-context model room to answer.
      promptTokenBudget: integer(env, 'PROMPT_MAX_TOKENS', 16_000, { min: 4000, max: 2_000_000 }),
      sessionTimeoutMs: integer(env, 'SESSION_TIMEOUT_MINUTES', 60, { min: 1, max: 525_600 }) * 60_000,
      groupShared: boolean(env, 'GROUP_SHARED_HISTORY', false),
    },
    messagePrefix: normalizePrefix(optionalString(env, 'MESSAGE_PREFIX', 'dingtalk-llm/messages/')),
    groupRobot: groupRobotWorkerSettings(env),
    commands: {
      reset: resetCommands(env),
      help: helpCommands(env),
    },
    reply: { maxChars: integer(env, 'REPLY_MAX_CHARS', 3000, { min: 200, max: 5000 }) },
    defaultTimeoutSeconds: integer(env, 'WORKER_TIMEOUT_SECONDS', 120, { min: 10, max: 86_400 }),
    logLevel: logLevel(env),
    runsLocally: boolean(env, 'LOCAL_STACK', false),
  });
}

