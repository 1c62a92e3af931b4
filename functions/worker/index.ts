import { list } from '../../shared/config/env';
import { ossClientOptions } from '../../shared/config/oss-config';
import { readSettingsFile, withSettingsFile } from '../../shared/config/settings-file';
import { wireWithSettings } from '../../shared/config/wire-with-settings';
import { loadWorkerConfig, type WorkerConfig } from '../../shared/config/worker-config';
import { dingtalkIsOn } from '../../shared/config/dingtalk-config';
import { createAccessTokenProvider } from '../../shared/channels/dingtalk/access-token';
import { createCardClient } from '../../shared/channels/dingtalk/card-client';
import { createDingTalkChannel } from '../../shared/channels/dingtalk/dingtalk-channel';
import { createDingTalkHttp } from '../../shared/channels/dingtalk/dingtalk-http';
import { createMessageFiles } from '../../shared/channels/dingtalk/message-files';
import { createDingTalkNoticeChannel } from '../../shared/channels/dingtalk/notice-channel';
import { createReplier } from '../../shared/channels/dingtalk/replier';
import { createSessionWebhookSender } from '../../shared/channels/dingtalk/session-webhook';
import { webhookHostsOrDefault } from '../../shared/channels/dingtalk/webhook-hosts';
import { createGroupRobotWorker } from '../../shared/channels/group-robot/group-robot-worker';
import { createConversationHistory } from '../../shared/history/conversation-history';
import { historyLimits, largestObjectRead } from '../../shared/history/history-limits';
import { createMessageClaims } from '../../shared/history/message-claims';
import { createOssAppendLog } from '../../shared/storage/oss/oss-append-log';
import { createOssClient } from '../../shared/storage/oss/oss-client';
import { createLogger, type Logger } from '../../shared/logging/logger';
import { createStackMapper } from '../../shared/logging/source-mapped-stack';
import { createKeepAliveAgents } from '../../shared/http/keep-alive-agents';
import { createNodeHttpFetch } from '../../shared/model/node-http-fetch';
import { createOpenAiChatModel } from '../../shared/model/openai-chat-model';
import { createOssTransport } from '../../shared/storage/oss/urllib-transport';
import { CARD_COOLDOWN_MS, createCardGate } from '../../shared/cards/card-gate';
import { createControlLedger, createLedgerCache, LEDGER_MAX_BYTES } from '../../shared/controls/ledger/create-control-ledger';
import { version as PACKAGE_VERSION } from '../../package.json';
import { createWorkerHandler } from '../../shared/worker/create-worker-handler';
import { createWorkerRobots, type DingTalkRobotApp } from '../../shared/worker/worker-robots';
import { readControlsFile, robotSecretsOf } from '../../shared/controls/config/controls-file';
import { createMisconfiguredWorker } from '../../shared/worker/misconfigured-worker';
import { createWechatWorker, wechatNoticeChannel } from '../../shared/channels/wechat/wechat-worker';
import { loadWechatWorkerConfig, type WechatWorkerConfig } from '../../shared/config/wechat-config';
import type { FcContext } from '../../shared/fc/context';
import type { WorkerSettings } from '../../shared/turn/turn-dependencies';

// Wiring only: settings once per instance; clients that may live across warm invocations (the DingTalk token cache,
// keep-alive sockets, the model key that last worked) are built here, the OSS client per invocation from its
// STS credentials. A malformed setting wires the worker that tells the user which one instead.
const env = withSettingsFile(process.env, readSettingsFile(__dirname));
// The controls file packed beside the bundle (docs/controls.md §5), checked with the other settings below.
const controlsText = readControlsFile(__dirname);
const functionName = process.env['FC_FUNCTION_NAME'] ?? 'dingtalk-llm-worker';
// Bounded answers, no redirects followed (dingtalk-http.ts).
const http = createDingTalkHttp({ timeoutMs: 10_000 });
// The model client's transport: node:http(s), lighter on a cold start than the built-in fetch (node-http-fetch.ts).
const modelAgents = createKeepAliveAgents();
// Logged stacks name the TypeScript sources; the bundle's map is read at the first one, not at start-up.
const mapStack = createStackMapper({ bundle: __filename });

export const handler = wireWithSettings(
  () => ({ config: loadWorkerConfig(env, controlsText), wechat: loadWechatWorkerConfig(env) }),
  ({ config, wechat }) => wireWorker(config, wechat),
  (error) => {
    const log = logger('info', [env['DINGTALK_APP_SECRET'] ?? '', env['WECHAT_APP_SECRET'] ?? '', ...list(env, 'OPENAI_API_KEY', []), ...robotSecretsOf(controlsText, env)]);
    return createMisconfiguredWorker({
      error,
      channels: {
        ...(dingtalkIsOn(env) ? { dingtalk: createDingTalkNoticeChannel(createSessionWebhookSender({ http, allowedHosts: webhookHostsOrDefault(env) })) } : {}),
        ...wechatNoticeChannel(env, log),
      },
      logger: log,
      runsLocally: env['LOCAL_STACK'] === 'true',
    });
  },
);

function logger(level: WorkerConfig['logLevel'], secrets: string[]) {
  return createLogger({ service: 'dingtalk-worker', level, secrets, mapStack }).child({ function_name: functionName });
}

function wireWorker(config: Readonly<WorkerConfig>, wechat: Readonly<WechatWorkerConfig> | undefined) {
  const log = logger(config.logLevel, [...config.robots.map((robot) => robot.appSecret ?? ''), wechat?.appSecret ?? '', ...(config.model?.apiKeys ?? [])]);
  // Once per instance, so its kept-alive sockets serve the OSS clients of every warm invocation.
  const ossTransport = createOssTransport({ maxBodyBytes: Math.max(largestObjectRead(config.history), LEDGER_MAX_BYTES + 2) });
  // Once per instance: each robot's view of its control ledger, so a warm turn's admission costs one append.
  const ledgerCache = createLedgerCache();
  // Once per instance: the channels config is cached here, and read with each invocation's storage.
  const groupRobot = createGroupRobotWorker({
    ...config.groupRobot,
    webhookHosts: config.webhookHosts,
    http,
    logger: log,
    split: { maxChars: config.reply.maxChars },
  });
  const settings: WorkerSettings = {
    systemPrompt: config.systemPrompt,
    commands: config.commands,
    history: config.history,
    modelTimeoutMs: config.model?.timeoutMs ?? 60_000,
    models: { default: config.model?.model ?? '', allowed: config.models.allowed, vision: config.models.vision },
    showReasoning: config.showReasoning,
    card: config.card,
    runsLocally: config.runsLocally,
    images: config.images,
  };
  return createWorkerHandler({
    settings,
    // Each robot of the controls file with its own app, card template, persona, models and history keys.
    robots: createWorkerRobots({
      robots: config.robots,
      settings,
      cardCadence: config.cardCadence,
      dingtalkChannel: (robot) => dingtalkChannel(config, robot, log),
      logger: log,
    }),
    controls: {
      ledger: (robot, storage) => createControlLedger({ log: storage.log, prefix: config.controlsPrefix, robot, cache: ledgerCache }),
      version: PACKAGE_VERSION,
    },
    createStorage: (context: FcContext) => {
      const log = createOssAppendLog(createOssClient({ ...ossClientOptions(config.oss, context.credentials), transport: ossTransport }));
      return {
        history: createConversationHistory({ log, ...historyLimits(config.history) }),
        claims: createMessageClaims({ log, prefix: config.messagePrefix }),
        log,
      };
    },
    model: config.model && createOpenAiChatModel({ ...config.model, fetch: createNodeHttpFetch({ agents: modelAgents }), logger: log }),
    channels: {
      'group-robot': groupRobot.channel,
      ...(wechat ? { wechat: createWechatWorker(wechat, log) } : {}),
    },
    // FC timer triggers (s.yaml) invoke the worker directly with their own event: the run of a group-robot job.
    adaptEvent: groupRobot.adaptEvent,
    logger: log,
    now: Date.now,
    defaultTimeoutSeconds: config.defaultTimeoutSeconds,
  });
}

/**
 * One DingTalk robot, with the token cache that outlives invocations (built at its first event): its own app, and its
 * own card template, else the env robot's DINGTALK_CARD_TEMPLATE_ID.
 */
function dingtalkChannel(config: Readonly<WorkerConfig>, robot: DingTalkRobotApp, log: Logger) {
  const apiBase = config.dingtalkApiBase;
  const tokens = createAccessTokenProvider({ http, apiBase, appKey: robot.appKey, appSecret: robot.appSecret });
  const dingtalkApi = { http, apiBase, tokens, appKey: robot.appKey };
  const card = robot.card
    ? { templateId: robot.card.templateId, contentKey: robot.card.contentKey ?? config.cardCadence.contentKey }
    : robot.name === 'dingtalk' ? config.card : undefined;
  return createDingTalkChannel({
    replier: createReplier({ ...dingtalkApi, webhookHosts: config.webhookHosts, logger: log, split: { maxChars: config.reply.maxChars } }),
    // The gate outlives invocations on purpose: after a card failure this instance uses markdown for a while.
    cards: card && {
      client: createCardClient({ ...dingtalkApi, templateId: card.templateId, contentKey: card.contentKey }),
      gate: createCardGate({ now: Date.now, cooldownMs: CARD_COOLDOWN_MS }),
    },
    files: createMessageFiles({ ...dingtalkApi, maxBytes: config.imageMaxBytes }),
  });
}
