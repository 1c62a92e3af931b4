import type { TurnDependencies, TurnEvent } from './turn-dependencies';

/**
 * A `forget` message (shared/channels/channel.ts): the sender's history goes, with the archived copies it links to,
 * then what the channel itself keeps about them. No reply (the sender is gone) and no record: a record would start
 * the object again, and the point is that nothing is left. The message's claim, which holds no content, is what
 * stops a copy that arrives while this runs; one that comes later deletes again, which changes nothing. A failure is
 * thrown, so that FC tries again.
 */
export async function forgetSender(
  event: TurnEvent,
  key: string,
  deps: Pick<TurnDependencies, 'history' | 'logger'>,
  patiently: <T>(attempt: () => Promise<T>) => Promise<T>,
): Promise<'answered'> {
  const { archives } = await patiently(() => deps.history.forget(key));
  if (event.forgetSender) await patiently(event.forgetSender);
  deps.logger.info('sender forgotten', { archives, channelData: event.forgetSender !== undefined });
  return 'answered';
}
