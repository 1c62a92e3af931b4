import { createLogger } from '../../shared/logging/logger';
import type { ChatModel } from '../../shared/model/chat-model';
import { createKeepAliveAgents } from '../../shared/http/keep-alive-agents';
import { createNodeHttpFetch } from '../../shared/model/node-http-fetch';
import { createOpenAiChatModel } from '../../shared/model/openai-chat-model';

/**
 * The model client wired as functions/worker/index.ts wires it (openai-node over node-http-fetch.ts), against a fake
 * OpenAI at `baseURL`; also an entry point for tests that bundle it as the worker is bundled.
 */
export function createModel(baseURL: string): ChatModel {
  return createOpenAiChatModel({
    baseURL,
    apiKeys: ['sk-test-worker-model-0001'],
    model: 'fake-model',
    logger: createLogger({ service: 'test', level: 'error', write: () => undefined }),
    fetch: createNodeHttpFetch({ agents: createKeepAliveAgents() }),
  });
}
