import { list } from '../../shared/config/env';
import { ossClientOptions } from '../../shared/config/oss-config';
import { readSettingsFile, withSettingsFile } from '../../shared/config/settings-file';
import { wireWithSettings } from '../../shared/config/wire-with-settings';
import { loadWorkerConfig, type WorkerConfig } from '../../shared/config/worker-config';
import { createAccessTokenProvider } from '../../shared/channels/dingtalk/access-token';
import { createCardClient } from '../../shared/channels/dingtalk/card-client';
import { createDingTalkChannel } from '../../shared/channels/dingtalk/dingtalk-channel';
import { createDingTalkHttp } from '../../shared/channels/dingtalk/dingtalk-http';
import { createMessageFiles } from '../../shared/channels/dingtalk/message-files';
import { createDingTalkNoticeChannel } from '../../shared/channels/dingtalk/notice-channel';
import { createReplier } from '../../shared/channels/dingtalk/replier';
import { createSessionWebhookSender } from '../../shared/channels/dingtalk/session-webhook';
import { webhookHostsOrDefault } from '../../shared/channels/dingtalk/webhook-hosts';
import { createConversationHistory } from '../../shared/history/conversation-history';
import { historyLimits, largestObjectRead } from '../../shared/history/history-limits';
import { createMessageClaims } from '../../shared/history/message-claims';
import { createOssAppendLog } from '../../shared/storage/oss/oss-append-log';
import { createOssClient } from '../../shared/storage/oss/oss-client';
import { createLogger } from '../../shared/logging/logger';
import { createStackMapper } from '../../shared/logging/source-mapped-stack';
import { createKeepAliveAgents } from '../../shared/http/keep-alive-agents';
import { createNodeHttpFetch } from '../../shared/model/node-http-fetch';
import { createOpenAiChatModel } from '../../shared/model/openai-chat-model';
import { createOssTransport } from '../../shared/storage/oss/urllib-transport';
import { CARD_COOLDOWN_MS, createCardGate } from '../../shared/cards/card-gate';
import { createWorkerHandler } from '../../shared/worker/create-worker-handler';
import { createMisconfiguredWorker } from '../../shared/worker/misconfigured-worker';
import { ANSWER_MAX_BYTES, createAnswerStore } from '../../shared/channels/wechat/answer-store';
import { createCustomerServiceSender } from '../../shared/channels/wechat/customer-service';
import { createWechatNoticeChannel } from '../../shared/channels/wechat/notice-channel';
import { createStableTokenProvider } from '../../shared/channels/wechat/stable-token';
import { objectsOverAppendLog } from '../../shared/channels/wechat/stored-objects';
import { createWechatChannel } from '../../shared/channels/wechat/wechat-channel';
import { loadWechatWorkerConfig, wechatPassiveNoticePrefix, type WechatWorkerConfig } from '../../shared/config/wechat-config';
import { ossSettings, type OssSettings } from '../../shared/config/oss-config';
import { ConfigError } from '../../shared/errors';
import type { Logger } from '../../shared/logging/logger';
import type { FcContext } from '../../shared/fc/context';
import type { AppendLog } from '../../shared/storage/append-log';

// Wiring only: settings once per instance; clients that may live across warm invocations (the DingTalk token cache,
// keep-alive sockets, the model key that last worked) are built here, the OSS client per invocation from its
// STS credentials. A malformed setting wires the worker that tells the user which one instead.
const env = withSettingsFile(process.env, readSettingsFile(__dirname));
const functionName = process.env['FC_FUNCTION_NAME'] ?? 'dingtalk-llm-worker';
// Bounded answers, no redirects followed (dingtalk-http.ts).
const http = createDingTalkHttp({ timeoutMs: 10_000 });
// The model client's transport: node:http(s), lighter on a cold start than the built-in fetch (node-http-fetch.ts).
const modelAgents = createKeepAliveAgents();
// Logged stacks name the TypeScript sources; the bundle's map is read at the first one, not at start-up.
const mapStack = createStackMapper({ bundle: __filename });

export const handler = wireWithSettings(
  () => ({ config: loadWorkerConfig(env), wechat: loadWechatWorkerConfig(env) }),
  ({ config, wechat }) => wireWorker(config, wechat),
  (error) =>
    createMisconfiguredWorker({
      error,
      channels: {
        dingtalk: createDingTalkNoticeChannel(createSessionWebhookSender({ http, allowedHosts: webhookHostsOrDefault(env) })),
        ...wechatNoticeChannel(),
      },
      logger: logger('info', [env['DINGTALK_APP_SECRET'] ?? '', env['WECHAT_APP_SECRET'] ?? '', ...list(env, 'OPENAI_API_KEY', [])]),
      runsLocally: env['LOCAL_STACK'] === 'true',
    }),
);

/** A passive-mode WeChat user is told through the answer store, when the settings that place it are fine. */
function wechatNoticeChannel() {
  const prefix = wechatPassiveNoticePrefix(env);
  if (prefix === undefined) return {};
  let oss: OssSettings;
  try {
    oss = ossSettings(env, 10_000, 60_000);
  } catch (error) {
    if (error instanceof ConfigError) return {};
    throw error;
  }
  const transport = createOssTransport({ maxBodyBytes: ANSWER_MAX_BYTES });
  return {
    wechat: ({ context }: { context: FcContext }) => {
      const log = createOssAppendLog(createOssClient({ ...ossClientOptions(oss, context.credentials), transport }));
      return createWechatNoticeChannel(createAnswerStore(objectsOverAppendLog(log), prefix));
    },
  };
}

/**
 * Customer-service mode keeps one token provider per instance, so warm invocations reuse the token; passive mode
 * writes answers into the store over each invocation's storage.
 */
function wechatChannel(wechat: Readonly<WechatWorkerConfig>, log: Logger) {
  const http = { apiBase: wechat.apiBase, timeoutMs: 10_000 };
  // The loader requires the secret in customer-service mode.
  if (wechat.customerService && wechat.appSecret !== undefined) {
    const tokens = createStableTokenProvider({ ...http, appId: wechat.appId, appSecret: wechat.appSecret, now: Date.now });
    return createWechatChannel({ delivery: { mode: 'customer-service', sender: createCustomerServiceSender({ ...http, tokens }) }, logger: log });
  }
  return ({ log: storage }: { log: AppendLog }) =>
    createWechatChannel({ delivery: { mode: 'passive', store: createAnswerStore(objectsOverAppendLog(storage), wechat.prefix) }, logger: log });
}

function logger(level: WorkerConfig['logLevel'], secrets: string[]) {
  return createLogger({ service: 'dingtalk-worker', level, secrets, mapStack }).child({ function_name: functionName });
}

function wireWorker(config: Readonly<WorkerConfig>, wechat: Readonly<WechatWorkerConfig> | undefined) {
  const log = logger(config.logLevel, [config.dingtalk.appSecret, wechat?.appSecret ?? '', ...(config.model?.apiKeys ?? [])]);
  const tokens = createAccessTokenProvider({ http, ...config.dingtalk });
  const dingtalkApi = { http, apiBase: config.dingtalk.apiBase, tokens, appKey: config.dingtalk.appKey };
  // Once per instance, so its kept-alive sockets serve the OSS clients of every warm invocation.
  const ossTransport = createOssTransport({ maxBodyBytes: largestObjectRead(config.history) });
  return createWorkerHandler({
    settings: {
      systemPrompt: config.systemPrompt,
      commands: config.commands,
      history: config.history,
      modelTimeoutMs: config.model?.timeoutMs ?? 60_000,
      models: { default: config.model?.model ?? '', allowed: config.models.allowed, vision: config.models.vision },
      showReasoning: config.showReasoning,
      card: config.card,
      runsLocally: config.runsLocally,
      images: config.images,
    },
    createStorage: (context) => {
      const log = createOssAppendLog(createOssClient({ ...ossClientOptions(config.oss, context.credentials), transport: ossTransport }));
      return {
        history: createConversationHistory({ log, ...historyLimits(config.history) }),
        claims: createMessageClaims({ log, prefix: config.messagePrefix }),
        log,
      };
    },
    model: config.model && createOpenAiChatModel({ ...config.model, fetch: createNodeHttpFetch({ agents: modelAgents }), logger: log }),
    channels: {
      dingtalk: createDingTalkChannel({
        replier: createReplier({ ...dingtalkApi, webhookHosts: config.webhookHosts, logger: log, split: { maxChars: config.reply.maxChars } }),
        // The gate outlives invocations on purpose: after a card failure this instance uses markdown for a while.
        cards: config.card && {
          client: createCardClient({ ...dingtalkApi, templateId: config.card.templateId, contentKey: config.card.contentKey }),
          gate: createCardGate({ now: Date.now, cooldownMs: CARD_COOLDOWN_MS }),
        },
        files: createMessageFiles({ ...dingtalkApi, maxBytes: config.imageMaxBytes }),
      }),
      ...(wechat ? { wechat: wechatChannel(wechat, log) } : {}),
    },
    logger: log,
    now: Date.now,
    defaultTimeoutSeconds: config.defaultTimeoutSeconds,
  });
}
