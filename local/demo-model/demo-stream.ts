import type { ServerResponse } from 'node:http';
import { chunkBody, type DemoEnvelope, type DemoUsage, pieces, usageChunkBody } from './demo-wire';

export interface StreamedAnswer {
  head: DemoEnvelope;
  answer: string;
  usage: DemoUsage;
  /** The request asked for stream_options.include_usage. */
  includeUsage: boolean;
}

export interface Pacing {
  chunkChars: number;
  chunkDelayMs: number;
}

/**
 * The answer as OpenAI streams it: a first chunk with the role, the text in small deltas at a steady pace (so a card
 * visibly grows), a chunk with finish_reason, the usage chunk when asked for, then `data: [DONE]`. Stops quietly
 * when the client goes away or the server closes.
 */
export async function streamAnswer(res: ServerResponse, streamed: StreamedAnswer, pacing: Pacing): Promise<void> {
  const { head, answer, usage, includeUsage } = streamed;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  const send = (event: unknown): void => void res.write(`data: ${JSON.stringify(event)}\n\n`);
  send(chunkBody(head, { role: 'assistant', content: '' }, null, includeUsage));
  for (const piece of pieces(answer, pacing.chunkChars)) {
    if (!(await pause(res, pacing.chunkDelayMs))) return;
    send(chunkBody(head, { content: piece }, null, includeUsage));
  }
  send(chunkBody(head, {}, 'stop', includeUsage));
  if (includeUsage) send(usageChunkBody(head, usage));
  res.end('data: [DONE]\n\n');
}

/** Resolves true after `ms`, or false as soon as the response is closed (its listener goes either way). */
function pause(res: ServerResponse, ms: number): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onClose = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(!res.destroyed);
    }, ms);
    res.once('close', onClose);
  });
}
