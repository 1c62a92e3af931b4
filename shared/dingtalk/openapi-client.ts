import type { AxiosInstance } from 'axios';
import { DingTalkApiError } from '../errors';
import { networkReason } from '../http/network-reason';
import { asRecord } from '../validation/as-record';
import type { AccessTokenProvider } from './access-token';

/**
 * The robot message OpenAPI, used when the session webhook has expired or failed. It needs an access token and works
 * for as long as the robot is in the chat. Only `sampleMarkdown` is sent: it renders like the webhook's markdown,
 * but cannot @-mention anyone. Facts: ../shared/brief/dingtalk.md §4b, §8.
 */
export interface MarkdownContent {
  title: string;
  text: string;
}

export interface OpenApiClient {
  /** 1:1 chat: `oToMessages/batchSend` to the sender's staff id. */
  sendToUser(input: { robotCode: string; userId: string } & MarkdownContent): Promise<void>;
  /** Group chat: `groupMessages/send` to the callback's conversationId (the openConversationId). */
  sendToGroup(input: { robotCode: string; conversationId: string } & MarkdownContent): Promise<void>;
}

export interface OpenApiClientOptions {
  http: AxiosInstance;
  apiBase: string;
  tokens: AccessTokenProvider;
}

const TOKEN_HEADER = 'x-acs-dingtalk-access-token';

export function createOpenApiClient(options: OpenApiClientOptions): OpenApiClient {
  const base = options.apiBase.replace(/\/+$/, '');

  const post = async (path: string, body: Record<string, unknown>, isRetry = false): Promise<void> => {
    const token = await options.tokens.get();
    const response = await options.http
      .post(`${base}${path}`, body, { headers: { [TOKEN_HEADER]: token }, validateStatus: () => true })
      .catch((error: unknown) => {
        // Not retried: DingTalk may have delivered the message before the connection broke, and a resend would
        // show the user the same part twice. The axios error is dropped because its config holds the token.
        throw new DingTalkApiError(`DingTalk ${path} failed: ${networkReason(error)}`);
      });
    if (response.status >= 200 && response.status < 300) return;

    const data = asRecord(response.data);
    const code = typeof data['code'] === 'string' ? data['code'] : undefined;
    if (isExpiredToken(response.status, code) && !isRetry) {
      options.tokens.invalidate(token);
      return post(path, body, true);
    }
    const reason = code === undefined ? `HTTP ${response.status}` : `HTTP ${response.status} ${code}`;
    throw new DingTalkApiError(`DingTalk ${path} rejected (${reason})`, response.status, code);
  };

  return {
    sendToUser: ({ robotCode, userId, title, text }) =>
      post('/v1.0/robot/oToMessages/batchSend', {
        robotCode,
        userIds: [userId],
        msgKey: 'sampleMarkdown',
        msgParam: JSON.stringify({ title, text }),
      }),
    sendToGroup: ({ robotCode, conversationId, title, text }) =>
      post('/v1.0/robot/groupMessages/send', {
        robotCode,
        openConversationId: conversationId,
        msgKey: 'sampleMarkdown',
        msgParam: JSON.stringify({ title, text }),
      }),
  };
}

/** DingTalk answers an expired or revoked token with 401, or with 400 InvalidAuthentication (§8). */
function isExpiredToken(status: number, code: string | undefined): boolean {
  return status === 401 || (status === 400 && code === 'InvalidAuthentication');
}
