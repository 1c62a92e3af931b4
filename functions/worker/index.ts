import { loadWorkerConfig } from '../../shared/config/worker-config';
import { createAccessTokenProvider } from '../../shared/dingtalk/access-token';
import { createCardClient } from '../../shared/dingtalk/card-client';
import { createDingTalkHttp } from '../../shared/dingtalk/dingtalk-http';
import { createMessageFiles } from '../../shared/dingtalk/message-files';
import { createReplier } from '../../shared/dingtalk/replier';
import { createConversationHistory } from '../../shared/history/conversation-history';
import { createOssAppendLog } from '../../shared/history/oss-append-log';
import { createOssClient } from '../../shared/history/oss-client';
import { createLogger } from '../../shared/logging/logger';
import { createOpenAiChatModel } from '../../shared/model/openai-chat-model';
import { CARD_COOLDOWN_MS, createCardGate } from '../../shared/worker/card-gate';
import { createWorkerHandler } from '../../shared/worker/create-worker-handler';

// Wiring only: config once per instance; clients that may live across warm invocations (the DingTalk token cache,
// keep-alive sockets, the model key that last worked) are built here, the OSS client per invocation from its
// STS credentials.
const config = loadWorkerConfig(process.env);
const logger = createLogger({
  service: 'dingtalk-worker',
  level: config.logLevel,
  secrets: [config.dingtalk.appSecret, ...(config.model?.apiKeys ?? [])],
}).child({ function_name: process.env['FC_FUNCTION_NAME'] ?? 'dingtalk-llm-worker' });

// Bounded answers, no redirects followed (dingtalk-http.ts).
const http = createDingTalkHttp({ timeoutMs: 10_000 });
const tokens = createAccessTokenProvider({ http, ...config.dingtalk });
const dingtalkApi = { http, apiBase: config.dingtalk.apiBase, tokens, appKey: config.dingtalk.appKey };

export const handler = createWorkerHandler({
  settings: {
    systemPrompt: config.systemPrompt,
    commands: config.commands,
    history: config.history,
    modelTimeoutMs: config.model?.timeoutMs ?? 60_000,
    models: { default: config.model?.model ?? '', allowed: config.models.allowed, vision: config.models.vision },
    showReasoning: config.showReasoning,
    card: config.card,
    images: config.images,
  },
  createHistory: (context) =>
    createConversationHistory({
      log: createOssAppendLog(
        createOssClient({
          bucket: config.oss.bucket,
          region: config.oss.region,
          ...(config.oss.endpoint ? { endpoint: config.oss.endpoint } : {}),
          internal: config.oss.internal,
          credentials: context.credentials,
          timeoutMs: config.oss.timeoutMs,
        }),
      ),
      tailBytes: config.history.tailBytes,
    }),
  model: config.model && createOpenAiChatModel({ ...config.model, logger }),
  replier: createReplier({
    ...dingtalkApi,
    logger,
    split: { maxChars: config.reply.maxChars },
  }),
  // The gate outlives invocations on purpose: after a card failure this instance uses markdown for a while.
  cards: config.card && {
    client: createCardClient({ ...dingtalkApi, templateId: config.card.templateId, contentKey: config.card.contentKey }),
    gate: createCardGate({ now: Date.now, cooldownMs: CARD_COOLDOWN_MS }),
  },
  images: createMessageFiles({ ...dingtalkApi, maxBytes: config.imageMaxBytes }),
  logger,
  now: Date.now,
  defaultTimeoutSeconds: config.defaultTimeoutSeconds,
});
