import { StorageError } from '../../errors';
import type { AnswerStore, UserLine, UserLog } from './answer-store';
import type { PassiveTiming } from './passive-timing';
import type { WechatMessage } from './schema';
import { isContinue, moreHint, NOTHING_MORE, STILL_GENERATING } from './user-texts';

/**
 * A passive-mode request, answered from the shared answer store (docs/wechat.md §5, §6). The first request of a
 * message hands it to the worker and notes it in the user's log; a 继续 while an answer is waiting or unfinished is
 * noted as a fetch of that answer instead. Then the request waits for the answer and is answered with one part:
 * part 1 for the message itself, the next unserved part for a 继续. What each request got is noted before it is
 * sent, so a retry of it (WeChat's or FC's) gets the same part. Returns the reply text, or undefined for an empty
 * body (sent after WeChat stopped waiting, so that it asks again).
 */
export interface PassiveDependencies {
  store: AnswerStore;
  timing: PassiveTiming;
  /** Hands this message to the worker; idempotent (the FC task id is the message's). */
  handOver: () => Promise<void>;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

type SeenLine = Extract<UserLine, { seen: string }>;
const WRITE_ATTEMPTS = 5;

export async function answerPassively(message: WechatMessage, text: string | undefined, startedAt: number, deps: PassiveDependencies): Promise<string | undefined> {
  const { store, timing, now } = deps;
  const { account, user } = message;
  const day = message.createTime * 1000;
  // The user's log as last read or written: each request reads it once, and again only after losing an append.
  let log = await store.readUserLog(account, user, day);
  // A 继续 just after China midnight fetches an answer noted in the day before's log (read, never written).
  const dayBefore = isContinue(text) && msSinceChinaMidnight(day) < timing.pendingForMs
    ? (await store.readUserLog(account, user, day - DAY_MS)).lines
    : [];
  const linesOf = (current: UserLog): UserLine[] => [...dayBefore, ...current.lines];
  const { seen, ready } = await noteSeen();
  const target = seen.of ?? message.id;
  const lastAttempt = now() - seen.at >= timing.lastAttemptAfterMs;
  for (let answer = ready; ; answer = await store.readAnswer(account, target)) {
    if (answer !== undefined) return serve(target, answer);
    if (now() + timing.pollMs > startedAt + timing.windowMs) break;
    await deps.sleep(timing.pollMs);
  }
  if (lastAttempt) return STILL_GENERATING;
  await deps.sleep(Math.max(0, startedAt + timing.holdMs - now()));
  return undefined;

  /** The line noting this request, and the answer it fetches when noting it already read one. */
  async function noteSeen(): Promise<{ seen: SeenLine; ready?: string[] }> {
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt += 1) {
      if (attempt > 0) log = await store.readUserLog(account, user, day);
      const earlier = log.lines.find((line): line is SeenLine => 'seen' in line && line.seen === message.id);
      if (earlier) return { seen: earlier };
      const waiting = isContinue(text) ? await waitingAnswer() : undefined;
      // Handed over before it is noted: a noted message has always reached the worker.
      if (waiting === undefined) await deps.handOver();
      const line: SeenLine = { seen: message.id, at: now(), ...(waiting === undefined ? {} : { of: waiting.of }) };
      const written = await store.appendUserLine(account, user, day, log, line);
      if (written) {
        log = written;
        return { seen: line, ...(waiting?.answer === undefined ? {} : { ready: waiting.answer }) };
      }
    }
    throw new StorageError('WeChat user log: too many concurrent writers');
  }

  /** The user's latest message, if its answer is still coming or has parts not yet served. */
  async function waitingAnswer(): Promise<{ of: string; answer: string[] | undefined } | undefined> {
    const latest = linesOf(log).filter((line): line is SeenLine => 'seen' in line && line.of === undefined).at(-1);
    if (latest === undefined || now() - latest.at > timing.pendingForMs) return undefined;
    const answer = await store.readAnswer(account, latest.seen);
    if (answer === undefined) return { of: latest.seen, answer };
    return nextPart(linesOf(log), latest.seen) < answer.length ? { of: latest.seen, answer } : undefined;
  }

  async function serve(answerOf: string, answer: string[]): Promise<string> {
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt += 1) {
      if (attempt > 0) log = await store.readUserLog(account, user, day);
      const earlier = log.lines.find((line) => 'served' in line && line.served === answerOf && line.by === message.id);
      const part = earlier && 'part' in earlier ? earlier.part : answerOf === message.id ? 0 : nextPart(linesOf(log), answerOf);
      if (part >= answer.length) return NOTHING_MORE;
      const written = earlier ? log : await store.appendUserLine(account, user, day, log, { served: answerOf, part, by: message.id });
      if (written) {
        log = written;
        return (answer[part] ?? '') + (part < answer.length - 1 ? moreHint(part + 1, answer.length) : '');
      }
    }
    throw new StorageError('WeChat user log: too many concurrent writers');
  }
}

const DAY_MS = 86_400_000;
/** The user's logs are per China day (UTC+8, answer-store.ts). */
const msSinceChinaMidnight = (ms: number): number => (ms + 8 * 3600_000) % DAY_MS;

function nextPart(lines: readonly UserLine[], answerOf: string): number {
  let next = 0;
  for (const line of lines) if ('served' in line && line.served === answerOf) next = Math.max(next, line.part + 1);
  return next;
}
