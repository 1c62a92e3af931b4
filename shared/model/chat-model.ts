/**
 * The model port: everything above it (the worker, the local chat) talks to a model only through `ChatModel`, so a
 * provider is one adapter (openai-chat-model.ts) and tests can pass a hand-written fake.
 */
export type ChatRole = 'system' | 'user' | 'assistant';

/** A piece of a multimodal user message; images travel as data URLs so the model never fetches DingTalk URLs. */
export type ContentPart = { type: 'text'; text: string } | { type: 'image'; dataUrl: string };

export interface ChatMessage {
  role: ChatRole;
  /** Plain text, or text and images (user messages to a vision-capable model only). */
  content: string | ContentPart[];
}

export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/**
 * What a streamed completion has produced so far. Reasoning models think aloud in `reasoning_content` (DeepSeek-R1,
 * Qwen3 on DashScope) or inside `<think>…</think>` in the content (many vLLM/Ollama models); both end up in
 * `reasoning`, never in `answer`.
 */
export interface StreamProgress {
  answer: string;
  reasoning: string;
}

export interface ChatRequest {
  messages: ChatMessage[];
  /** Overrides the configured model for this call (a conversation's `/model` choice). */
  model?: string;
  /**
   * Bounds the whole call, key rotation and retries included. The caller passes what is left of the FC function's
   * time budget; running out throws ModelError MODEL_TIMEOUT.
   */
  timeoutMs: number;
  /** Aborting it ends the call with ModelError MODEL_TIMEOUT. */
  signal?: AbortSignal;
  /**
   * When given, the completion is streamed and this is called each time the answer or the reasoning grows (neither
   * ever shrinks within one call), so a card can be updated in place. If it throws, the adapter logs that and
   * carries on: a failed card update must not cost the user the answer.
   */
  onProgress?: (progress: StreamProgress) => void;
}

export interface ChatCompletion {
  /** The answer only: reasoning and `<think>` blocks removed. */
  text: string;
  /** The model's reasoning, when it showed any. */
  reasoning?: string;
  /** The model that answered, as the provider names it (falls back to the requested or configured model). */
  model: string;
  usage?: ChatUsage;
}

export interface ChatModel {
  /** Resolves with a non-empty answer or rejects with a ModelError; never with anything else. */
  complete(request: ChatRequest): Promise<ChatCompletion>;
}
