import { createLogger } from '../../shared/logging/logger';
import { createKeepAliveAgents } from '../../shared/http/keep-alive-agents';
import { createNodeHttpFetch } from '../../shared/model/node-http-fetch';
import { createOpenAiChatModel } from '../../shared/model/openai-chat-model';

/**
 * dist/bench/clients/openai.js: what the model client costs a cold worker. Built with the worker's production bundle
 * options; builds the model through the product's factory and makes one chat completion, as a markdown turn does,
 * against the fake OpenAI.
 */
export async function handler(): Promise<string> {
  const env = process.env;
  const model = createOpenAiChatModel({
    baseURL: env['OPENAI_BASE_URL'] ?? '',
    apiKeys: [env['OPENAI_API_KEY'] ?? ''],
    model: env['OPENAI_MODEL'] ?? '',
    logger: createLogger({ service: 'bench-client', level: 'info' }),
    // As the worker wires it (functions/worker/index.ts): openai over node:http, not the built-in fetch.
    fetch: createNodeHttpFetch({ agents: createKeepAliveAgents() }),
  });
  const completion = await model.complete({ messages: [{ role: 'user', content: '你好' }], timeoutMs: 10_000 });
  return completion.text === '' ? 'empty answer' : 'answered';
}
