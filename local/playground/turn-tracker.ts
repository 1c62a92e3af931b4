import type { PlaygroundLogLine, TurnFigures, TurnView } from './playground-api';

/**
 * Each message the page sent, followed until its worker invocation ends: its log lines (matched by msgId, and by the
 * request ids learnt from lines that carry both) and its figures, each in ms from the moment the callback was sent.
 * First token comes from the model adapter's "model call completed" line (its durationMs and firstTokenMs), the card
 * and answer times from the DingTalk stand-in, the OSS count from the local OSS server's request log.
 */
export interface TurnTracker {
  started(turn: { msgId: string; conversationId: string; sentAt: number }): void;
  acknowledged(msgId: string, ackMs: number): void;
  log(line: PlaygroundLogLine, ids: { msgId?: string; requestId?: string }): string | undefined;
  /** A robot message or a card call reached the stand-in for this page chat. */
  delivered(conversationId: string, delivery: { at: number; card?: 'created' | 'updated' | 'finalized' }): void;
  workerEnded(requestId: string): void;
  /** The callback refused the message, or it never reached a worker: nothing more will come for it. */
  ended(msgId: string): void;
  view(msgId: string): TurnView | undefined;
}

interface Turn extends TurnView {
  sentAt: number;
  ossAtStart: number;
  requestIds: Set<string>;
}

const KEPT_TURNS = 100;
const KEPT_LINES = 300;

export function createTurnTracker(options: { ossRequests: () => number; onFigures: (turn: TurnView) => void }): TurnTracker {
  const turns = new Map<string, Turn>();
  const byRequest = new Map<string, Turn>();
  const running = (): Turn[] => [...turns.values()].filter((turn) => !turn.figures.done);
  const changed = (turn: Turn, figures: Partial<TurnFigures>): void => {
    Object.assign(turn.figures, figures);
    options.onFigures(turn);
  };
  /** The chat's newest turn still running: deliveries cannot name a msgId, but a chat answers one turn at a time here. */
  const runningIn = (conversationId: string): Turn | undefined => running().filter((turn) => turn.conversationId === conversationId).at(-1);

  return {
    started({ msgId, conversationId, sentAt }) {
      const others = running();
      const turn: Turn = { msgId, conversationId, sentAt, logs: [], figures: { done: false }, ossAtStart: options.ossRequests(), requestIds: new Set() };
      if (others.length > 0) for (const other of [...others, turn]) other.figures.ossShared = true;
      turns.set(msgId, turn);
      for (const old of [...turns.keys()].slice(0, Math.max(0, turns.size - KEPT_TURNS))) turns.delete(old);
    },
    acknowledged(msgId, ackMs) {
      const turn = turns.get(msgId);
      if (turn) changed(turn, { ackMs });
    },
    log(line, ids) {
      const turn = (ids.msgId === undefined ? undefined : turns.get(ids.msgId)) ?? (ids.requestId === undefined ? undefined : byRequest.get(ids.requestId));
      if (turn === undefined) return undefined;
      if (ids.requestId !== undefined && !turn.requestIds.has(ids.requestId)) {
        turn.requestIds.add(ids.requestId);
        byRequest.set(ids.requestId, turn);
      }
      if (turn.logs.length < KEPT_LINES) turn.logs.push(line);
      if (line.message === 'model call completed') changed(turn, modelFigures(line, turn.sentAt));
      return turn.msgId;
    },
    delivered(conversationId, { at, card }) {
      const turn = runningIn(conversationId);
      if (turn === undefined) return;
      const since = at - turn.sentAt;
      if (card === 'updated' && turn.figures.firstCardUpdateMs === undefined) changed(turn, { firstCardUpdateMs: since });
      if (card === undefined || card === 'finalized') changed(turn, { answerMs: since });
    },
    workerEnded(requestId) {
      const turn = byRequest.get(requestId);
      if (turn === undefined || turn.figures.done) return;
      changed(turn, { done: true, ossRequests: options.ossRequests() - turn.ossAtStart });
    },
    ended(msgId) {
      const turn = turns.get(msgId);
      if (turn && !turn.figures.done) changed(turn, { done: true, ossRequests: options.ossRequests() - turn.ossAtStart });
    },
    view(msgId) {
      const turn = turns.get(msgId);
      return turn && { msgId: turn.msgId, conversationId: turn.conversationId, logs: [...turn.logs], figures: { ...turn.figures } };
    },
  };
}

/** The model adapter logs when the call ended, how long it took and when the first answer text arrived. */
function modelFigures(line: PlaygroundLogLine, sentAt: number): Partial<TurnFigures> {
  const { durationMs, firstTokenMs, usage } = line.fields;
  const figures: Partial<TurnFigures> = {};
  if (typeof durationMs === 'number' && typeof firstTokenMs === 'number') figures.firstTokenMs = line.time - durationMs + firstTokenMs - sentAt;
  const tokens = typeof usage === 'object' && usage !== null ? (usage as Record<string, unknown>) : {};
  const prompt = tokens['promptTokens'] ?? tokens['prompt_tokens'];
  const completion = tokens['completionTokens'] ?? tokens['completion_tokens'];
  if (typeof prompt === 'number') figures.promptTokens = prompt;
  if (typeof completion === 'number') figures.completionTokens = completion;
  return figures;
}
