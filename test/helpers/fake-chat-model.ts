import type { ChatCompletion, ChatModel, ChatRequest, ChatUsage, StreamProgress } from '../../shared/model/chat-model';

export interface FakeChatModelOptions {
  /** The answer; default '模型的回答'. */
  text?: string;
  reasoning?: string;
  /** What the provider reports; default the requested model, else 'fake-model'. */
  model?: string;
  /** The provider's token figures; pass undefined for a provider that reports none. */
  usage?: ChatUsage | undefined;
  /** Sent to `onProgress` one by one (with a macrotask between them) when the caller streams. */
  progress?: readonly StreamProgress[];
  /** Thrown after the progress is sent, instead of answering. */
  error?: Error;
}

const DEFAULT_USAGE: ChatUsage = { promptTokens: 10, completionTokens: 5, totalTokens: 15 };

/** A ChatModel that records every request and answers as told: at once, streamed through onProgress, or failing. */
export function createFakeChatModel(options: FakeChatModelOptions = {}) {
  const requests: ChatRequest[] = [];
  const model: ChatModel = {
    async complete(request) {
      requests.push(request);
      for (const progress of options.progress ?? []) {
        request.onProgress?.(progress);
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (options.error) throw options.error;
      const usage = 'usage' in options ? options.usage : DEFAULT_USAGE;
      const completion: ChatCompletion = {
        text: options.text ?? '模型的回答',
        model: options.model ?? request.model ?? 'fake-model',
        ...(options.reasoning === undefined ? {} : { reasoning: options.reasoning }),
        ...(usage === undefined ? {} : { usage }),
      };
      return completion;
    },
  };
  return { model, requests };
}
