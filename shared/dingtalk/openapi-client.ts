import type { AxiosInstance } from 'axios';
import type { AccessTokenProvider } from './access-token';
import { createDingTalkRequester } from './dingtalk-api';

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

export function createOpenApiClient(options: OpenApiClientOptions): OpenApiClient {
  const api = createDingTalkRequester(options);
  const post = async (path: string, body: Record<string, unknown>): Promise<void> => {
    await api.call('POST', path, body);
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
