import { join } from 'node:path';
import { buildTextCallback, signedHeaders } from '../local/dingtalk-callback';
import type { FcContext } from '../shared/fc/context';
import { createFcHttpEvent, fcContext } from '../test/helpers/builders';
import { benchRoot } from './figures';
import { BUCKETS, STS, type StandInUrls } from './stand-ins/protocol';

/**
 * The callback as the bench runs it: its settings pointing at the stand-ins (the signature records in the local OSS
 * server, FC's invoke endpoint a canned 202), and signed DingTalk callbacks, each under its own (timestamp, sign)
 * pair as DingTalk sends them, so each is recorded once and queued once.
 */
export const CALLBACK_SECRET = 'bench-app-secret-0123456789';
export const CALLBACK_APP_KEY = 'bench-app-key';
export const CALLBACK_TEXT = '帮我总结一下今天的会议要点';
const WEBHOOK = 'https://oapi.dingtalk.com/robot/sendBySession?session=bench';

export const callbackBundlePath = (): string => join(benchRoot(), 'dist', 'callback', 'index.js');
export const CALLBACK_CONTEXT: FcContext = { ...fcContext, credentials: STS };

export function callbackEnv(urls: StandInUrls): Record<string, string> {
  return {
    DINGTALK_APP_KEY: CALLBACK_APP_KEY,
    DINGTALK_APP_SECRET: CALLBACK_SECRET,
    WORKER_INVOKE_ENDPOINT: urls.fc,
    OSS_BUCKET: BUCKETS.signatures,
    OSS_REGION: 'cn-local',
    OSS_ENDPOINT: urls.oss,
    OSS_INTERNAL: 'false',
    LOG_LEVEL: 'info',
  };
}

export const callbackBody = (msgId: string, now: number): string =>
  JSON.stringify(buildTextCallback({ text: CALLBACK_TEXT, sessionWebhook: WEBHOOK, robotCode: CALLBACK_APP_KEY, msgId, now }));

/** The FC HTTP event of callback number `call`, signed at `signedAt − call` ms (a pair of its own). */
export function callbackEvent(call: number, signedAt: number, prefix = 'msgbench'): { event: Buffer; body: string; timestamp: string } {
  const body = callbackBody(`${prefix}${call}`, signedAt);
  const headers = signedHeaders(CALLBACK_SECRET, signedAt - call);
  return { event: createFcHttpEvent({ body, headers }), body, timestamp: headers['timestamp'] ?? '' };
}
