import type { CardClient } from '../../shared/channels/dingtalk/card-client';
import { DingTalkApiError } from '../../shared/errors';

export interface CardClientCall {
  method: 'create' | 'stream' | 'finish';
  outTrackId: string;
  content: string;
  finalize?: boolean;
  error?: boolean;
  failed?: boolean;
}

/**
 * An in-memory CardClient that records each call (failed ones too) and fails the calls `failWhen` picks, as
 * DingTalk would with a 500.
 */
export function createFakeCardClient(options: { failWhen?: (call: CardClientCall, index: number) => boolean } = {}) {
  const calls: CardClientCall[] = [];
  const record = async (call: CardClientCall): Promise<void> => {
    const index = calls.push(call) - 1;
    if (options.failWhen?.(call, index)) throw new DingTalkApiError(`card ${call.method} failed`, 500, 'unknownError');
  };
  const client: CardClient = {
    create: ({ outTrackId, content }) => record({ method: 'create', outTrackId, content }),
    stream: ({ outTrackId, content, finalize, error }) =>
      record({ method: 'stream', outTrackId, content, finalize, ...(error === undefined ? {} : { error }) }),
    finish: ({ outTrackId, content, failed }) => record({ method: 'finish', outTrackId, content, failed }),
  };
  /** What each card ends up showing: the content of its last `finish` call, by outTrackId. */
  const finished = () => {
    const byCard = new Map<string, { content: string; failed: boolean }>();
    for (const call of calls) if (call.method === 'finish') byCard.set(call.outTrackId, { content: call.content, failed: call.failed ?? false });
    return [...byCard.values()];
  };
  return { client, calls, finished };
}
