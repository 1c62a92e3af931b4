/**
 * The model port: everything above it (the worker, the local chat) talks to a model only through `ChatModel`, so a
 * provider is one adapter (openai-chat-model.ts) and tests can pass a hand-written fake.
 */
export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface ChatRequest {
  messages: ChatMessage[];
  /**
   * Bounds the whole call, key rotation and retries included. The caller passes what is left of the FC function's
   * time budget; running out throws ModelError MODEL_TIMEOUT.
   */
  timeoutMs: number;
  /** Aborting it ends the call with ModelError MODEL_TIMEOUT. */
  signal?: AbortSignal;
  /**
   * When given, the completion is streamed and this is called with the whole text received so far each time it
   * grows (never shrinks within one call), so a card can be updated in place. If it throws, the adapter logs that
   * and carries on: a failed card update must not cost the user the answer.
   */
  onText?: (textSoFar: string) => void;
}

export interface ChatCompletion {
  text: string;
  /** The model that answered, as the provider names it (falls back to the configured model). */
  model: string;
  usage?: ChatUsage;
}

export interface ChatModel {
  /** Resolves with a non-empty completion or rejects with a ModelError; never with anything else. */
  complete(request: ChatRequest): Promise<ChatCompletion>;
}
