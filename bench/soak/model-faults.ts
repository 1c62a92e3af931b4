import type { FaultBook } from './fault-book';
import type { Kills } from './kills';
import { tagIn } from './plan';
import { drop, relay, sendText, type FaultHook } from './proxy';

/**
 * Faults between the worker and the fake model: a kill before it answers or right after the whole answer went out,
 * 429s, 5xx errors and answers cut off halfway (the worker asks without streaming when no AI card is configured, so
 * the cut falls inside the JSON body). Every request is kept as a model call, with how it ended.
 */
export type ModelOutcome = 'complete' | 'incomplete' | 'killed' | 'rate-limited' | 'server-error' | 'cut';

export interface ModelCall {
  msgId: string | undefined;
  seq: number;
  outcome: ModelOutcome;
}

export function modelFaults(deps: { book: FaultBook; kills: Kills; clock: () => number; byTag: (tag: string) => string | undefined }) {
  const calls: ModelCall[] = [];
  const hook: FaultHook = async (request, forward, response) => {
    const tag = tagIn(lastUserText(request.body));
    const msgId = tag === undefined ? undefined : deps.byTag(tag);
    const call: ModelCall = { msgId, seq: deps.clock(), outcome: 'incomplete' };
    calls.push(call);
    const end = (outcome: ModelOutcome): void => {
      call.outcome = outcome;
      call.seq = deps.clock();
    };
    if (await deps.kills.fencedOff(msgId)) return drop(response);
    if (msgId !== undefined && deps.book.take(msgId, 'kill-before-model')) {
      await deps.kills.kill(msgId, 'kill-before-model');
      end('killed');
      return drop(response);
    }
    if (deps.book.take(msgId, 'model-429')) {
      end('rate-limited');
      return sendText(response, 429, 'application/json', openAiError('Rate limit reached for requests', 'requests', 'rate_limit_exceeded'));
    }
    if (deps.book.take(msgId, 'model-5xx')) {
      end('server-error');
      return sendText(response, 503, 'application/json', openAiError('The server is overloaded or not ready yet.', 'server_error', null));
    }
    const reply = await forward();
    if (deps.book.take(msgId, 'model-cut')) {
      end('cut');
      response.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': String(reply.body.length) });
      response.write(reply.body.subarray(0, Math.floor(reply.body.length / 2)));
      return drop(response);
    }
    const whole = await relay(response, reply);
    end(whole && reply.status === 200 ? 'complete' : 'incomplete');
    if (msgId !== undefined && deps.book.take(msgId, 'kill-after-model')) await deps.kills.kill(msgId, 'kill-after-model');
  };
  return { hook, calls };
}

function lastUserText(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { messages?: Array<{ role?: string; content?: unknown }> };
    const last = [...(parsed.messages ?? [])].reverse().find((message) => message.role === 'user');
    return typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content ?? '');
  } catch {
    return '';
  }
}

const openAiError = (message: string, type: string, code: string | null): string =>
  JSON.stringify({ error: { message, type, param: null, code } });
