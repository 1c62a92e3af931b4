import type { Delivery } from './dingtalk-faults';
import type { HistoryObject } from './histories';
import type { KillRecord } from './kills';
import type { ModelCall } from './model-faults';
import type { RecordAppend } from './oss-faults';

/**
 * The soak's verdict, from the fakes' records alone (pure, so it is unit-tested on hand-made records):
 * - answered once: exactly one reply reached the DingTalk stand-in (webhook or OpenAPI; an error text counts);
 * - a second reply is "inside the window" when a kill of that message's worker came after its first reply and
 *   before the last one (the worker died after DingTalk had the reply, before the invocation returned); any other
 *   duplicate is a failure, as are unanswered messages and replies no message can be named for;
 * - no lost turn: a message answered by the model (its reply is the fake model's echo) has a {"t":"turn"} line with
 *   its id in its history object or in an archived copy under `<prefix>archive/`;
 * - readable histories: every line of every object outside archive/ parses as JSON (archived copies are ones the
 *   worker replaced: counted, not failed);
 * - one model answer per message: a second complete model answer is excused only when the worker was killed
 *   between the two, before any record of the message reached OSS (the first answer was lost with the instance).
 */
export interface SoakRecords {
  messages: ReadonlyArray<{ msgId: string; tag: string; historyKey: string }>;
  deliveries: readonly Delivery[];
  kills: readonly KillRecord[];
  modelCalls: readonly ModelCall[];
  recordAppends: readonly RecordAppend[];
  histories: readonly HistoryObject[];
  historyPrefix: string;
  /** Messages the driver could not settle before the deadline, and callbacks not answered 200. */
  unsettled: readonly string[];
  callbackFailures: readonly string[];
}

/** The fake model echoes the question as `回答：<text>（共 n 条消息）`; a group reply starts with an @mention. */
const MODEL_ANSWER = /回答：/;

export function checkSoak(records: SoakRecords) {
  const group = <T extends { msgId: string | undefined }>(items: readonly T[]) => {
    const map = new Map<string, T[]>();
    for (const item of items) if (item.msgId !== undefined) map.set(item.msgId, [...(map.get(item.msgId) ?? []), item]);
    return map;
  };
  const replies = group(records.deliveries);
  const kills = group(records.kills.filter((kill) => kill.instances > 0));
  const calls = group(records.modelCalls);
  const appends = group(records.recordAppends.filter((append) => append.status >= 200 && append.status < 300));
  const archive = `${records.historyPrefix}archive/`;
  const turnIds = (text: string): string[] => parsedLines(text).flatMap((line) => (line?.t === 'turn' && typeof line.id === 'string' ? [line.id] : []));
  const archivedTurns = new Set(records.histories.filter((object) => object.key.startsWith(archive)).flatMap((object) => turnIds(object.text)));
  const turnsByKey = new Map(records.histories.map((object) => [object.key, new Set(turnIds(object.text))]));

  const unanswered: string[] = [];
  const duplicatesInWindow: string[] = [];
  const duplicatesOutside: string[] = [];
  const lostTurns: string[] = [];
  const repeatedAnswers = { excused: [] as string[], unexcused: [] as string[] };
  const callsPerMessage: Record<string, number> = {};
  let answeredOnce = 0;
  let extraInWindow = 0;
  let extraOutside = 0;

  for (const message of records.messages) {
    const got = replies.get(message.msgId) ?? [];
    const killed = kills.get(message.msgId) ?? [];
    if (got.length === 0) unanswered.push(message.tag);
    else if (got.length === 1) answeredOnce += 1;
    else {
      const [first, last] = [got[0] as Delivery, got[got.length - 1] as Delivery];
      const inWindow = killed.some((kill) => kill.seq > first.seq && kill.seq < last.seq);
      (inWindow ? duplicatesInWindow : duplicatesOutside).push(message.tag);
      if (inWindow) extraInWindow += got.length - 1;
      else extraOutside += got.length - 1;
    }
    const fromModel = got.some((reply) => MODEL_ANSWER.test(reply.text) && reply.text.includes(message.tag));
    const recorded = turnsByKey.get(message.historyKey)?.has(message.msgId) || archivedTurns.has(message.msgId);
    if (fromModel && !recorded) lostTurns.push(message.tag);

    const mine = calls.get(message.msgId) ?? [];
    callsPerMessage[String(mine.length)] = (callsPerMessage[String(mine.length)] ?? 0) + 1;
    const complete = mine.filter((call) => call.outcome === 'complete');
    if (complete.length > 1) {
      const firstRecord = appends.get(message.msgId)?.[0]?.seq ?? Infinity;
      const excused = complete.slice(1).every((call, index) => {
        const before = complete[index] as ModelCall;
        return killed.some((kill) => kill.seq > before.seq && kill.seq < call.seq && kill.seq < firstRecord);
      });
      (excused ? repeatedAnswers.excused : repeatedAnswers.unexcused).push(message.tag);
    }
  }

  const unattributedReplies = records.deliveries.filter((reply) => reply.msgId === undefined).length;
  const current = records.histories.filter((object) => !object.key.startsWith(archive));
  const unreadableHistories = current.filter((object) => parsedLines(object.text).includes(undefined)).map((object) => object.key);
  const replacedHistories = records.histories.length - current.length;
  const failures = [
    ...(unanswered.length ? [`${unanswered.length} messages unanswered`] : []),
    ...(duplicatesOutside.length ? [`${duplicatesOutside.length} messages answered more than once outside the crash-after-delivery window`] : []),
    ...(unattributedReplies ? [`${unattributedReplies} replies could not be attributed to a message`] : []),
    ...(lostTurns.length ? [`${lostTurns.length} model answers missing from history`] : []),
    ...(unreadableHistories.length ? [`${unreadableHistories.length} history objects with lines that are not JSON`] : []),
    ...(repeatedAnswers.unexcused.length ? [`${repeatedAnswers.unexcused.length} messages got a second complete model answer without a lost first one`] : []),
    ...(records.unsettled.length ? [`${records.unsettled.length} messages not settled before the deadline`] : []),
    ...(records.callbackFailures.length ? [`${records.callbackFailures.length} callbacks not answered 200`] : []),
  ];
  return {
    messages: records.messages.length,
    answeredOnce,
    duplicatesInWindow: { messages: duplicatesInWindow.length, extraReplies: extraInWindow, tags: duplicatesInWindow },
    duplicatesOutside: { messages: duplicatesOutside.length, extraReplies: extraOutside, tags: duplicatesOutside },
    unanswered,
    unattributedReplies,
    lostTurns,
    unreadableHistories,
    replacedHistories,
    modelCalls: { total: records.modelCalls.length, callsPerMessage, repeatedAnswers },
    failures,
  };
}

export type SoakVerdict = ReturnType<typeof checkSoak>;

/** Each non-blank line parsed, or undefined where it is not JSON. */
function parsedLines(text: string): Array<{ t?: unknown; id?: unknown } | undefined> {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as { t?: unknown; id?: unknown };
      } catch {
        return undefined;
      }
    });
}
