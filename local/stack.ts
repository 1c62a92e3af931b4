import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTROLS_FILE_NAME } from '../shared/controls/config/controls-setting';
import { createAsyncQueue } from './fc/async-queue';
import { createFunctionHost, type InvocationResult } from './fc/function-host';
import { createHttpTrigger } from './fc/http-trigger';
import { createInvokeApi } from './fc/invoke-api';
import { startOssServer, type OssServerOptions } from './oss/oss-server';
import { chatReceiverHost } from './dingtalk-callback';
import { groupRobotReceiverHost } from './group-robot-receiver';
import { createTimerEndpoint, LOCAL_TIMER_PATH } from './timer-endpoint';
import { DEFAULT_WEBHOOK_HOSTS, WEBHOOK_HOSTS_VARIABLE } from '../shared/channels/dingtalk/webhook-hosts';
import { list } from '../shared/config/env';
import { channelsConfigKey } from '../shared/config/group-robot-config';
import { createOssClient } from '../shared/storage/oss/oss-client';
import { createOssAppendLog } from '../shared/storage/oss/oss-append-log';

export const CALLBACK_FUNCTION = 'dingtalk-llm-callback';
export const WORKER_FUNCTION = 'dingtalk-llm-worker';
const REGION = 'cn-local';
const ACCOUNT_ID = '1000000000000000';

export interface LocalStackOptions {
  /** Project root: the built bundles are read from <root>/dist. */
  rootDir: string;
  /** The functions' environment (from .env and the shell); the stack adds what points them at each other. */
  env: Record<string, string>;
  host?: string;
  port?: number;
  /** Where the local OSS keeps history; in memory when absent. */
  dataDir?: string;
  /** Passed to the local OSS server: injected faults (tests, soak) and a lower appendable size limit. */
  oss?: Pick<OssServerOptions, 'faults' | 'maxAppendableBytes'>;
  /** `discardAsync`: asynchronous invocations are accepted (202) and counted but never run (for benchmarks). */
  worker?: { timeoutSeconds?: number; maxRetries?: number; retryDelayMs?: number; discardAsync?: boolean };
  /**
   * Fault hooks for the soak (bench/soak): extra worker settings applied over the stack's own (an OSS_ENDPOINT that
   * points at a fault proxy), FC running an async event twice, and the invoke API forgetting a task id.
   */
  faults?: {
    workerEnv?: Record<string, string>;
    redeliver?: (body: Buffer) => 'concurrently' | 'afterwards' | undefined;
    remembersTask?: (taskId: string) => boolean;
  };
  /**
   * Where the local session webhooks and group-robot posts are received (`host:port`), added to
   * DINGTALK_WEBHOOK_HOSTS for both functions; by default the receivers of `npm run chat` and of `npm start`'s robots
   * (localReceiverHosts). With the DingTalk stand-in, pass those plus its host (standInWebhookHost).
   */
  webhookHosts?: string[];
  /** The channels config (group robots, jobs) put into the bucket at CHANNELS_CONFIG_KEY before the stack is ready. */
  channelsConfig?: string;
  /**
   * A controls file the functions find beside their bundles, as the build packs controls.json (docs/controls.md §5):
   * the stack then runs copies of the built functions with it, so tests with different files can run side by side.
   * Absent: the bundles as built, with the project's own controls.json if it has one.
   */
  controls?: string;
  /**
   * Local pages served on the trigger's own port ahead of the functions (the playground, docs/playground.md): true
   * when it took the request. FC has nothing of the kind; only `npm start` passes it.
   */
  routes?: (request: IncomingMessage, response: ServerResponse) => boolean;
  /** Receives both functions' log output; printed to this process's console when absent. */
  onOutput?: (text: string) => void;
  onWorkerResult?: (entry: { requestId: string; attempt: number; result: InvocationResult; willRetry: boolean }) => void;
}

/**
 * Function Compute and OSS on one machine: the HTTP trigger runs the built callback bundle, its InvokeFunction call
 * lands on a local FC API (signature checked) that queues the built worker bundle asynchronously with FC's retries,
 * and the worker keeps history in a local OSS-compatible server (signature checked too) backed by a folder.
 */
export async function startLocalStack(options: LocalStackOptions) {
  const credentials = {
    accessKeyId: `STS.local${randomBytes(6).toString('hex')}`,
    accessKeySecret: randomBytes(18).toString('base64'),
    securityToken: randomBytes(24).toString('base64'),
  };
  const bucket = options.env['OSS_BUCKET'] ?? 'local-history';
  const oss = await startOssServer({
    buckets: [bucket],
    credentials: [credentials],
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...options.oss,
  });
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    // A busy port or an unknown host is an error event, not an exception: without this it would crash unexplained.
    server.once('error', (error) => oss.close().then(() => reject(error), () => reject(error)));
    server.listen(options.port ?? 9000, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;

  const dist = join(options.rootDir, 'dist');
  const functions = options.controls === undefined ? undefined : functionsWithControls(dist, options.controls);
  const functionDir = (name: string) => join(functions ?? dist, name);
  const webhookHosts = localWebhookHosts(options.env, options.webhookHosts).join(',');
  const ossClient = createOssClient({ bucket, region: REGION, endpoint: oss.url, credentials, timeoutMs: 5000 });
  const channelsKey = channelsConfigKey(options.env);
  if (options.channelsConfig !== undefined) await ossClient.put(channelsKey, Buffer.from(options.channelsConfig));
  const ossEnv = { OSS_ENDPOINT: oss.url, OSS_BUCKET: bucket, OSS_REGION: REGION, OSS_INTERNAL: 'false' };
  const shared = {
    credentials,
    region: REGION,
    accountId: ACCOUNT_ID,
    instanceScript: join(dist, 'local', 'instance.js'),
    ...(options.onOutput ? { onOutput: options.onOutput } : {}),
  };
  const callback = createFunctionHost({
    ...shared,
    name: CALLBACK_FUNCTION,
    bundle: join(functionDir('callback'), 'index.js'),
    env: { ...options.env, ...ossEnv, [WEBHOOK_HOSTS_VARIABLE]: webhookHosts, WORKER_INVOKE_ENDPOINT: url, WORKER_FUNCTION_NAME: WORKER_FUNCTION },
    timeoutSeconds: 10,
    memoryMb: 128,
  });
  const workerTimeout = options.worker?.timeoutSeconds ?? 120;
  const workerBaseEnv: Record<string, string> = { ...options.env, ...ossEnv, [WEBHOOK_HOSTS_VARIABLE]: webhookHosts, ...options.faults?.workerEnv };
  let workerEnv = workerBaseEnv;
  const worker = createFunctionHost({
    ...shared,
    name: WORKER_FUNCTION,
    bundle: join(functionDir('worker'), 'index.js'),
    env: workerEnv,
    timeoutSeconds: workerTimeout,
    memoryMb: 256,
  });
  const queue = createAsyncQueue({
    host: worker,
    maxRetries: options.worker?.maxRetries ?? 3,
    retryDelayMs: options.worker?.retryDelayMs ?? 1000,
    ...(options.worker?.discardAsync ? { discard: true } : {}),
    ...(options.onWorkerResult ? { onResult: options.onWorkerResult } : {}),
    ...(options.faults?.redeliver ? { redeliver: options.faults.redeliver } : {}),
  });
  // Tests hold back the next 202s to stand for an answer that arrives after the callback's invoke timeout.
  const lateAccepts: number[] = [];
  const invokeApi = createInvokeApi({
    credentials: [credentials],
    functions: [WORKER_FUNCTION],
    asyncTask: true,
    acceptDelayMs: () => lateAccepts.shift() ?? 0,
    ...(options.faults?.remembersTask ? { remembersTask: options.faults.remembersTask } : {}),
    onInvoke: async (call) => {
      if (call.async) {
        queue.submit(call.body, call.requestId);
        return { status: 202 };
      }
      const result = await worker.invoke(call.body, call.requestId);
      return { status: result.ok ? 200 : 500, body: Buffer.from(JSON.stringify(result.ok ? result.value : { error: result.error })) };
    },
  });
  const trigger = createHttpTrigger(callback, ACCOUNT_ID);
  const timer = createTimerEndpoint({
    submit: (event) => queue.submit(event),
    readConfig: () => createOssAppendLog(ossClient).readAll(channelsKey, 256 * 1024),
    now: Date.now,
  });
  server.on('request', (request, response) => {
    if (invokeApi(request, response)) return;
    if (options.routes?.(request, response)) return;
    const handle = new URL(request.url ?? '/', 'http://localhost').pathname === LOCAL_TIMER_PATH ? timer : trigger;
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500).end(String(error));
    });
  });

  async function close(): Promise<void> {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
    await Promise.all([callback.close(), worker.close(), oss.close()]);
    if (functions !== undefined) rmSync(functions, { recursive: true, force: true });
  }

  /**
   * The worker's environment becomes its base one (what the stack started it with) with these overrides, an undefined
   * one deleting its variable; each call replaces the previous overrides, so `{}` restores the base. Like FC after a
   * configuration update, invocations that start later run on new instances (local/fc/function-host.ts updateEnv).
   * The playground switches the demo model and AI cards with it.
   */
  const setWorkerEnv = (overrides: Readonly<Record<string, string | undefined>>): void => {
    const next: Record<string, string> = { ...workerBaseEnv };
    for (const [name, value] of Object.entries(overrides)) {
      if (value === undefined) delete next[name];
      else next[name] = value;
    }
    workerEnv = next;
    worker.updateEnv(next);
  };

  const delayNextAccepts = (times: number, delayMs: number): void => {
    for (let index = 0; index < times; index += 1) lateAccepts.push(delayMs);
  };

  return {
    url,
    oss,
    bucket,
    credentials,
    drain: queue.drain,
    asyncAccepted: queue.accepted,
    /** Kills the worker instances whose current event matches (all running ones by default); resolves once they exited. */
    crashWorker: worker.crashInstancesRunning,
    /** Async worker events whose payload matches that are still running or waiting for a retry. */
    workerInFlight: queue.inFlight,
    delayNextAccepts,
    setWorkerEnv,
    /** The worker's environment now (base plus the last setWorkerEnv overrides); a copy. Holds secrets: never log it. */
    workerEnv: (): Record<string, string> => ({ ...workerEnv }),
    close,
  };
}

export type LocalStack = Awaited<ReturnType<typeof startLocalStack>>;

/** Copies of the built function folders (bundle, code cache, map, settings.json) with this controls file in each. */
function functionsWithControls(dist: string, controls: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dingtalk-functions-'));
  for (const name of ['callback', 'worker']) {
    cpSync(join(dist, name), join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, CONTROLS_FILE_NAME), controls);
  }
  return dir;
}

/** Where `npm run chat` and `npm start`'s group robots receive the functions' posts (`host:port`). */
export const localReceiverHosts = (env: Record<string, string>): string[] => [chatReceiverHost(env), groupRobotReceiverHost(env)];

/** DINGTALK_WEBHOOK_HOSTS as the local functions get it: the admin's list and the local receivers. */
export function localWebhookHosts(env: Record<string, string>, receivers: readonly string[] = localReceiverHosts(env)): string[] {
  return [...new Set([...list(env, WEBHOOK_HOSTS_VARIABLE, DEFAULT_WEBHOOK_HOSTS), ...receivers])];
}
