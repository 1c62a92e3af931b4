import type { ChatMessage } from '../model/chat-model';
import { estimateTokens } from './estimate-tokens';

/**
 * What one message costs in the prompt besides its text: the chat format wraps each in a role marker and separators
 * (3 to 4 tokens in OpenAI's formats), and the reply is primed with a few more.
 */
export const MESSAGE_OVERHEAD_TOKENS = 4;
export const REPLY_PRIMING_TOKENS = 3;

/**
 * A picture's fixed cost, whatever its size (the worker does not decode images). OpenAI's high-detail pricing
 * charges 85 tokens plus 170 per 512-pixel tile of the image scaled into 2048 × 768, at most 8 tiles: 1,445 tokens;
 * models that count 32-pixel patches stop at 1,536 patches, and Qwen-VL's default at 1,280 tokens. 1,536 covers all
 * three.
 */
export const PICTURE_TOKENS = 1536;

export function contentTokens(content: ChatMessage['content']): number {
  if (typeof content === 'string') return estimateTokens(content);
  return content.reduce((sum, part) => sum + (part.type === 'text' ? estimateTokens(part.text) : PICTURE_TOKENS), 0);
}

export const messageTokens = (message: ChatMessage): number => MESSAGE_OVERHEAD_TOKENS + contentTokens(message.content);

export const picturesIn = (content: ChatMessage['content']): number =>
  typeof content === 'string' ? 0 : content.filter((part) => part.type === 'image').length;
