import { join, resolve } from 'node:path';
import { createOssClient } from '../shared/storage/oss/oss-client';
import { createOssAppendLog } from '../shared/storage/oss/oss-append-log';
import { normalizePrefix } from '../shared/config/oss-config';
import { localDingTalk, standInEnv, standInWebhookHost, startLocalDingTalkStandIn } from './dingtalk/local-dingtalk';
import { startDemoModel } from './demo-model/demo-model';
import { demoModelEnv, demoModelWanted } from './demo-model/demo-model-env';
import { createLogPrinter, type LogFormat } from './logs/log-printer';
import { localControls } from './playground/playground-controls';
import { startPlayground } from './playground/start-playground';
import { localReceiverHosts, startLocalStack, type LocalStackOptions } from './stack';

export interface LocalServerOptions {
  root: string;
  env: Record<string, string>;
  defaulted: readonly string[];
  host: string;
  port: number;
  /** Where the local OSS keeps its folder; in memory when absent (tests). */
  dataDir?: string;
  logFormat: LogFormat;
  write: (text: string) => void;
  stack?: Partial<Pick<LocalStackOptions, 'worker' | 'channelsConfig' | 'onWorkerResult'>>;
  /** Local receivers for session webhooks (`npm run chat`, the group robots' receiver): localReceiverHosts by default. */
  webhookHosts?: readonly string[];
  /** The demo model's pace (tests slow it down to watch a card grow, or speed it up). */
  demoModel?: { chunkDelayMs?: number; chunkChars?: number };
}

/**
 * Everything `npm start` runs, also started this way by the browser tests: the DingTalk stand-in (when no real app
 * is configured), the demo model, the local FC + OSS stack with the built functions, and the playground page on the
 * trigger's own port. The functions' log lines are printed readable (or as JSON) and tapped by the playground.
 */
export async function startLocalServer(options: LocalServerOptions) {
  const standIn = await startLocalDingTalkStandIn(options.env);
  const demo = await startDemoModel(options.demoModel);
  const stubbed = localDingTalk(options.env, options.defaulted).useStandIn;
  const env = stubbed ? standInEnv(standIn, options.env) : { ...options.env };
  const { controls, admins } = localControls(options.root);
  let playground: ReturnType<typeof startPlayground> | undefined;
  const print = createLogPrinter({ format: options.logFormat, write: options.write, onLine: (line) => playground?.logLine(line) });
  const stack = await startLocalStack({
    rootDir: options.root,
    env,
    host: options.host,
    port: options.port,
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(controls === undefined ? {} : { controls }),
    ...options.stack,
    // The stand-in receives the playground's session webhooks, whichever DingTalk the OpenAPI calls go to.
    webhookHosts: [...(options.webhookHosts ?? localReceiverHosts(env)), standInWebhookHost(standIn)],
    onOutput: print,
    onWorkerResult: (entry) => {
      options.stack?.onWorkerResult?.(entry);
      if (!entry.willRetry) playground?.workerEnded(entry.requestId);
    },
    routes: (request, response) => playground?.handle(request, response) ?? false,
  }).catch(async (error: unknown) => {
    await Promise.all([standIn.close(), demo.close()]);
    throw error;
  });
  const bucket = env['OSS_BUCKET'] ?? 'local-history';
  const oss = createOssClient({ bucket, region: 'cn-local', endpoint: stack.oss.url, credentials: stack.credentials, timeoutMs: 5000 });
  playground = startPlayground({
    triggerUrl: stack.url,
    env,
    standIn,
    baseEnv: env,
    demo: { env: demoModelEnv(demo), setFailure: (failure) => demo.setFailure(failure) },
    demoModelOn: demoModelWanted(env),
    standInTemplate: stubbed ? env['DINGTALK_CARD_TEMPLATE_ID'] : undefined,
    setWorkerEnv: (overrides) => stack.setWorkerEnv(overrides),
    history: {
      log: createOssAppendLog(oss),
      layout: {
        prefix: normalizePrefix(env['HISTORY_PREFIX'] ?? 'dingtalk-llm/history/'),
        groupShared: env['GROUP_SHARED_HISTORY'] === 'true',
        ...(options.dataDir === undefined ? {} : { bucketDir: join(options.dataDir, bucket) }),
      },
    },
    ossRequests: () => stack.oss.requests.length,
    admins,
    pageDir: join(options.root, 'dist', 'local', 'playground'),
    fontDir: resolve(options.root, 'node_modules', '@fontsource', 'noto-sans-sc'),
  });
  return {
    url: stack.url,
    playgroundUrl: `${stack.url}/playground`,
    stack,
    standIn,
    demo,
    stubbedDingTalk: stubbed,
    /** What answers now, as the page's header says it (the demo model may be switched on there). */
    modelLabel: (): string => playground?.settings().modelLabel ?? '',
    async close(): Promise<void> {
      playground?.close();
      await stack.close();
      await Promise.all([standIn.close(), demo.close()]);
    },
  };
}

export type LocalServer = Awaited<ReturnType<typeof startLocalServer>>;
