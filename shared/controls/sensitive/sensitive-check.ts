import type { Logger } from '../../logging/logger';
import type { ChatCompletion } from '../../model/chat-model';
import { presentCompletion } from '../../turn/present-answer';
import { SENSITIVE_OUTPUT_REFUSED } from '../../turn/user-messages';
import type { SensitiveAction } from '../robot-controls';
import type { SensitiveMatcher } from './sensitive-matcher';

/** One robot's sensitive words and what a hit does each way (docs/controls.md §4); absent: no check. */
export interface SensitiveCheck {
  matcher: SensitiveMatcher;
  input: SensitiveAction;
  output: SensitiveAction;
}

/** A hit is logged by direction, action and count only: the words and the text they were found in never are. */
export function logSensitiveHit(logger: Logger, direction: 'input' | 'output', action: SensitiveAction, count: number): void {
  logger.info('sensitive words hit', { direction, action, count });
}

/** The user's text as the model and the history may see it (masked, when so set), or undefined: refuse the message. */
export function screenInput(text: string, check: SensitiveCheck | undefined, logger: Logger): string | undefined {
  if (check === undefined || text === '') return text;
  const { count, text: masked } = check.input === 'mask' ? check.matcher.mask(text) : { ...check.matcher.find(text), text };
  if (count === 0) return text;
  logSensitiveHit(logger, 'input', check.input, count);
  return check.input === 'mask' ? masked : undefined;
}

/** What stands in for an answer that may not be shown; the provider's usage stays, since the tokens were spent. */
export const refusedCompletion = (model: string, usage?: ChatCompletion['usage']): ChatCompletion => ({
  text: SENSITIVE_OUTPUT_REFUSED,
  model,
  ...(usage ? { usage } : {}),
});

/**
 * A finished answer as the user sees it and the history keeps it: unchanged without hits; else masked, or replaced by
 * the refusal. What is checked is what would be shown, the reasoning too when it is shown.
 */
export function screenCompletion(completion: ChatCompletion, showReasoning: boolean, check: SensitiveCheck | undefined, logger: Logger): ChatCompletion {
  if (check === undefined) return completion;
  const { matcher } = check;
  if (check.output === 'refuse') {
    const { count } = matcher.find(presentCompletion(completion, showReasoning));
    if (count === 0) return completion;
    logSensitiveHit(logger, 'output', 'refuse', count);
    return refusedCompletion(completion.model, completion.usage);
  }
  const text = matcher.mask(completion.text);
  const reasoning = completion.reasoning === undefined ? undefined : matcher.mask(completion.reasoning);
  const count = text.count + (reasoning?.count ?? 0);
  if (count > 0) logSensitiveHit(logger, 'output', 'mask', count);
  const { reasoning: _unmasked, ...rest } = completion;
  const masked: ChatCompletion = { ...rest, text: text.text, ...(reasoning ? { reasoning: reasoning.text } : {}) };
  // A word whose start ends the reasoning and whose end begins the answer hits only where both are shown together,
  // across the rule between them: then the reasoning is left out, rather than shown with half a word.
  if (showReasoning && reasoning && matcher.find(presentCompletion(masked, true)).count > 0) return { ...rest, text: text.text };
  return masked;
}
