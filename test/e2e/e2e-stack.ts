import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTextCallback, signedHeaders } from '../../local/dingtalk-callback';
import type { InvocationResult } from '../../local/fc/function-host';
import { startLocalStack } from '../../local/stack';
import { toInboundMessage } from '../../shared/channels/dingtalk/inbound';
import { DingTalkCallbackSchema } from '../../shared/channels/dingtalk/schema';
import { conversationKey } from '../../shared/history/conversation-key';
import { parseWith } from '../../shared/validation/parse';
import { createOssAppendLog } from '../../shared/storage/oss/oss-append-log';
import { createOssClient } from '../../shared/storage/oss/oss-client';
import { parseRecords, type HistoryRecord } from '../../shared/history/records';
import { STAND_IN_APP_KEY, STAND_IN_APP_SECRET, startDingTalkStandIn } from '../../local/dingtalk/dingtalk-stand-in';
import { startFakeOpenAi } from '../helpers/fake-openai';
import { startFakeGroupRobot, type FakeGroupRobot, type FakeRobotSecurity } from '../helpers/fake-group-robot';

export const E2E_API_KEYS = ['sk-e2e-first-key-000000', 'sk-e2e-second-key-11111'];
const ROOT = join(__dirname, '..', '..');

export interface SendOptions {
  text: string;
  msgId?: string;
  group?: boolean;
  user?: string;
  /**
   * Makes the session webhook expire a second after the signed timestamp (plausible for the callback, already inside
   * the worker's safety margin), so the worker must use the robot OpenAPI.
   */
  expiredWebhook?: boolean;
  /** Another message type: its `msgtype` and `content` replace the text (picture, audio, richText, file, …). */
  media?: { msgtype: string; content: Record<string, unknown> };
  /** A robot of the controls file: the message goes to its path with its robotCode, signed with its secret. */
  robot?: E2eRobot;
  /** Signs with this secret instead of the robot's own (a callback meant for another robot). */
  signWith?: string;
}

/** One DingTalk app as the test's controls file describes it. */
export interface E2eRobot {
  path: string;
  appKey: string;
  appSecret: string;
}

/** Settings that depend on where the fake servers listen. */
type EnvFor = (servers: { openaiBaseURL: string }) => Record<string, string>;

/**
 * The built bundles on the local stack (FC + OSS stand-ins), with a fake OpenAI-compatible API and a fake DingTalk
 * behind them: everything talks real HTTP with the real clients, nothing leaves the machine.
 */
export interface E2eStackOptions {
  env?: Record<string, string> | EnvFor;
  workerTimeoutSeconds?: number;
  /** The local FC forgets every task id, as FC may once its record of a task is gone: redeliveries reach the worker. */
  forgetTasks?: boolean;
  /**
   * A fake group robot server with these robots (by access token), and the channels config the stack puts into the
   * bucket, made from its webhooks; its host is added to DINGTALK_WEBHOOK_HOSTS.
   */
  groupRobot?: { robots: Record<string, FakeRobotSecurity>; config: (robot: FakeGroupRobot) => unknown };
  /** FC runs a matching async event a second time (local/fc/async-queue.ts). */
  redeliver?: (body: Buffer) => 'concurrently' | 'afterwards' | undefined;
  /** False: a deployment without the DingTalk robot, no DINGTALK_APP_KEY, DINGTALK_APP_SECRET or DINGTALK_API_BASE. */
  dingtalk?: false;
  /** The controls file the functions find beside their bundles (as the build packs controls.json). */
  controls?: unknown;
}

export async function startE2eStack(options: E2eStackOptions = {}) {
  const dingtalk = await startDingTalkStandIn();
  const robot = options.groupRobot ? await startFakeGroupRobot({ robots: options.groupRobot.robots }) : undefined;
  const openai = await startFakeOpenAi({ apiKeys: E2E_API_KEYS });
  const env = typeof options.env === 'function' ? options.env({ openaiBaseURL: openai.baseURL }) : options.env;
  const dataDir = mkdtempSync(join(tmpdir(), 'dingtalk-e2e-'));
  const output: string[] = [];
  const workerResults: Array<{ attempt: number; result: InvocationResult }> = [];
  const stack = await startLocalStack({
    rootDir: ROOT,
    env: {
      PATH: process.env['PATH'] ?? '',
      ...(options.dingtalk === false ? {} : { DINGTALK_APP_KEY: STAND_IN_APP_KEY, DINGTALK_APP_SECRET: STAND_IN_APP_SECRET, DINGTALK_API_BASE: dingtalk.url }),
      OPENAI_API_KEY: E2E_API_KEYS.join(','),
      OPENAI_BASE_URL: openai.baseURL,
      OPENAI_MODEL: 'fake-model',
      OPENAI_TIMEOUT_MS: '3000',
      LOG_LEVEL: 'info',
      ...env,
    },
    port: 0,
    dataDir,
    // The fake DingTalk serves the session webhooks, so its host is the one webhooks may point at.
    webhookHosts: [new URL(dingtalk.url).host, ...(robot ? [new URL(robot.url).host] : [])],
    ...(robot && options.groupRobot ? { channelsConfig: JSON.stringify(options.groupRobot.config(robot)) } : {}),
    ...(options.controls === undefined ? {} : { controls: JSON.stringify(options.controls) }),
    worker: { timeoutSeconds: options.workerTimeoutSeconds ?? 20, maxRetries: 3, retryDelayMs: 100 },
    faults: {
      ...(options.forgetTasks ? { remembersTask: () => false } : {}),
      ...(options.redeliver ? { redeliver: options.redeliver } : {}),
    },
    onOutput: (text) => output.push(text),
    onWorkerResult: ({ attempt, result }) => workerResults.push({ attempt, result }),
  });

  let sessions = 0;
  async function send(message: SendOptions, headers?: Record<string, string>): Promise<Response> {
    const now = Date.now();
    const body = buildTextCallback({
      text: message.text,
      sessionWebhook: dingtalk.webhookUrl(`session-${(sessions += 1)}`),
      robotCode: message.robot?.appKey ?? STAND_IN_APP_KEY,
      ...(message.group ? { group: true } : {}),
      ...(message.user ? { user: message.user } : {}),
      ...(message.msgId ? { msgId: message.msgId } : {}),
      now,
    });
    if (message.expiredWebhook) body['sessionWebhookExpiredTime'] = now + 1000;
    if (message.media) {
      delete body['text'];
      Object.assign(body, message.media);
    }
    const secret = message.signWith ?? message.robot?.appSecret ?? STAND_IN_APP_SECRET;
    return post(JSON.stringify(body), headers ?? signedHeaders(secret, now), 'POST', message.robot?.path);
  }

  function post(body: string, headers: Record<string, string> = signedHeaders(STAND_IN_APP_SECRET), method = 'POST', path = '/'): Promise<Response> {
    return fetch(`${stack.url}${path}`, { method, headers, ...(method === 'GET' ? {} : { body }) });
  }

  /** The conversation's records, read back through the OSS protocol as the worker wrote them (`robot`: an extra one's). */
  async function history(user = 'local-user', group = false, robot?: string): Promise<HistoryRecord[]> {
    const client = createOssClient({ bucket: stack.bucket, region: 'cn-local', endpoint: stack.oss.url, credentials: stack.credentials, timeoutMs: 5000 });
    const probe = buildTextCallback({ text: '', sessionWebhook: 'http://x/', robotCode: '', user, ...(group ? { group } : {}) });
    const key = conversationKey(toInboundMessage(parseWith(DingTalkCallbackSchema, probe)), { prefix: robot ? `dingtalk-llm/history/robots/${robot}/` : 'dingtalk-llm/history/', groupShared: false });
    const tail = await createOssAppendLog(client).readTail(key, 1 << 20);
    return parseRecords(tail.text).records;
  }

  async function close(): Promise<void> {
    await stack.close();
    await Promise.all([dingtalk.close(), openai.close(), robot?.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  }

  return { stack, dingtalk, openai, robot, send, post, history, output, workerResults, dataDir, drain: stack.drain, close };
}

export type E2eStack = Awaited<ReturnType<typeof startE2eStack>>;
