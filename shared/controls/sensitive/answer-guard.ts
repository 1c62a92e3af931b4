import type { Logger } from '../../logging/logger';
import type { ChatCompletion, ChatModel, ChatRequest } from '../../model/chat-model';
import { SENSITIVE_OUTPUT_REFUSED } from '../../turn/user-messages';
import { logSensitiveHit, refusedCompletion, screenCompletion, type SensitiveCheck } from './sensitive-check';

/**
 * Stands between a streamed answer and its card (docs/controls.md §4): the card sees only what `show` lets through.
 * Masking: each update masked, its last characters held back while they could still begin a word. Refusing: the
 * same tail held back, and at the first hit the card is told to end with the refusal (`onRefuse`), no update is let
 * through any more, and the model call is aborted, since nothing more of it will be shown.
 */
export interface AnswerGuard {
  /** What the card may show of the display text so far; undefined once the answer is refused. */
  show(display: string): string | undefined;
  /** The model call, abortable by a refusal; after one, its abort (or any other failure) resolves undefined. */
  complete(model: ChatModel, request: ChatRequest): Promise<ChatCompletion | undefined>;
  /** The answer as the card ends with it and the history keeps it: masked, or the refusal. */
  screen(completion: ChatCompletion | undefined): ChatCompletion;
}

export interface AnswerGuardOptions {
  check: SensitiveCheck | undefined;
  showReasoning: boolean;
  logger: Logger;
  /** Called once, at the first hit when answers are refused, with the text the card is to end with. */
  onRefuse(text: string): void;
}

export function createAnswerGuard(options: AnswerGuardOptions): AnswerGuard {
  const { check, showReasoning, logger } = options;
  const follower = check?.matcher.follow();
  const stop = new AbortController();
  let refused = false;
  let model = '';
  return {
    show(display) {
      if (refused) return undefined;
      if (check === undefined || follower === undefined) return display;
      const { shown, count } = follower.look(display);
      if (count === 0 || check.output === 'mask') return shown;
      refused = true;
      logSensitiveHit(logger, 'output', 'refuse', count);
      options.onRefuse(SENSITIVE_OUTPUT_REFUSED);
      stop.abort();
      return undefined;
    },
    async complete(chatModel, request) {
      model = request.model ?? '';
      if (check === undefined) return chatModel.complete(request);
      const signal = request.signal ? AbortSignal.any([request.signal, stop.signal]) : stop.signal;
      try {
        return await chatModel.complete({ ...request, signal });
      } catch (error) {
        if (refused) return undefined;
        throw error;
      }
    },
    screen(completion) {
      // A refusal mid-stream was logged then; the rest of the answer, if it came, is not looked at again. (Only a
      // refused call resolves undefined.)
      if (refused || completion === undefined) return refusedCompletion(completion?.model ?? model, completion?.usage);
      return screenCompletion(completion, showReasoning, check, logger);
    },
  };
}
