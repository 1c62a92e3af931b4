import type { DingTalkMessage } from '../../shared/channels/dingtalk/schema';
import { signDingTalkTimestamp } from '../../shared/channels/dingtalk/verify-signature';
import type { FcContext } from '../../shared/fc/context';

export const TEST_APP_SECRET = 'test-app-secret-0123456789';

/** A DingTalk callback body, 1:1 by default. */
export function createDingTalkMessage(overrides: Partial<DingTalkMessage> = {}): DingTalkMessage {
  return {
    msgId: 'msgTEST0001==',
    msgtype: 'text',
    conversationId: 'cidTEST==',
    conversationType: '1',
    senderId: '$:LWCP_v1:$sender',
    senderStaffId: 'staff-1',
    senderNick: '张三',
    robotCode: 'dingrobot',
    createAt: 1_700_000_000_000,
    sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=SECRET_SESSION',
    sessionWebhookExpiredTime: 1_700_005_400_000,
    text: { content: '你好' },
    ...overrides,
  };
}

/** What the DingTalk route hands the worker (shared/worker/worker-event.ts) for a DingTalk callback body. */
export function createWorkerEvent(
  message: Partial<DingTalkMessage> = {},
  deliveryId = 'delivery-0001',
): { channel: 'dingtalk'; deliveryId: string; receivedAt: number; message: DingTalkMessage } {
  return { channel: 'dingtalk', deliveryId, receivedAt: 1_700_000_000_100, message: createDingTalkMessage(message) };
}

/** The FC 3.0 HTTP-trigger event, as the runtime hands it to the handler: a Buffer of JSON. */
export function createFcHttpEvent(options: {
  body?: string;
  method?: string;
  headers?: Record<string, string>;
  base64?: boolean;
  path?: string;
}): Buffer {
  const body = options.body ?? '';
  return Buffer.from(
    JSON.stringify({
      version: 'v1',
      rawPath: options.path ?? '/',
      body: options.base64 ? Buffer.from(body).toString('base64') : body,
      isBase64Encoded: options.base64 ?? false,
      headers: options.headers ?? {},
      queryParameters: {},
      requestContext: { requestId: 'req-1', http: { method: options.method ?? 'POST', path: options.path ?? '/' } },
    }),
  );
}

export function signedCallbackHeaders(nowMs: number, secret = TEST_APP_SECRET): Record<string, string> {
  const timestamp = String(nowMs);
  return { 'Content-Type': 'application/json', Timestamp: timestamp, Sign: signDingTalkTimestamp(secret, timestamp) };
}

export const fcContext: FcContext = Object.freeze({
  requestId: 'fc-request-1',
  credentials: { accessKeyId: 'STS.test', accessKeySecret: 'sts-secret-value', securityToken: 'sts-token-value' },
  function: { name: 'test-function', timeout: 60 },
  region: 'cn-hangzhou',
  accountId: '1234567890',
});

/** Collects log lines as parsed JSON, for asserting what reached the log (and what did not). */
export function captureLog(): { lines: string[]; write: (line: string) => void; entries: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  return { lines, write: (line) => lines.push(line), entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
