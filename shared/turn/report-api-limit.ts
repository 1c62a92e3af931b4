import { apiLimitOf, asBotError } from '../errors';
import type { TurnDependencies } from './turn-dependencies';

/**
 * A 90020 (the month's OpenAPI quota is spent) or a QpsLimit moves every instance's cards down a step at their next
 * turn (docs/controls.md §3); failing to record it changes nothing for this answer, which goes on as markdown.
 */
export async function reportApiLimit(error: unknown, deps: TurnDependencies): Promise<void> {
  const kind = apiLimitOf(error);
  if (kind === undefined || deps.controls === undefined) return;
  deps.logger.warn('DingTalk answered with a limit; every instance moves its cards down', { limit: kind });
  await deps.controls.ledger.reportApiLimit(kind, deps.now()).catch((failure: unknown) => {
    deps.logger.error('the DingTalk limit could not be recorded', { error: asBotError(failure) });
  });
}
