import { againstFloor, round, type Figure } from './figures';
import { chineseText, fillConversation, QUESTION_CHARS } from './history-fill';
import { divertStdout } from './in-process';
import { TAIL_BYTES, type WorkerHandler, type WorkerStack } from './worker-harness';

/**
 * Figure 6: OSS I/O of one turn as history grows. Conversations are pre-filled through the OSS protocol with 10, 100
 * and 1,000 turns; then one turn runs on each, and the OSS stand-in's log gives the requests it made and the response
 * bytes it read (only the ranged GetObject of the tail has a body; appends answer with headers only).
 */
const SIZES = [10, 100, 1000] as const;

interface Growth {
  turns: number;
  objectBytes: number;
  requests: number;
  bytesRead: number;
  operations: string[];
}

async function oneTurn(stack: WorkerStack, handler: WorkerHandler, turns: number): Promise<Growth> {
  const user = `growth-${turns}`;
  const objectBytes = await fillConversation(stack, user, turns);
  const event = await stack.event(user, `msgGrowth${turns}==`, chineseText(turns, QUESTION_CHARS));
  const before = await stack.standIns.call({ type: 'ossRecordCount' });
  const outcome = await handler(event, stack.context);
  if (outcome !== 'answered') throw new Error(`history growth turn at ${turns} turns was ${outcome}, not answered`);
  const records = await stack.standIns.call({ type: 'ossRecords', since: before });
  return {
    turns,
    objectBytes,
    requests: records.length,
    bytesRead: records.reduce((sum, record) => sum + record.responseBytes, 0),
    operations: records.map((record) => record.operation),
  };
}

export async function measureHistoryGrowth(stack: WorkerStack, handler: WorkerHandler): Promise<Figure[]> {
  const results: Growth[] = [];
  const stdout = divertStdout();
  try {
    for (const turns of SIZES) results.push(await oneTurn(stack, handler, turns));
  } finally {
    stdout.restore();
  }
  const [base] = results;
  if (!base) return [];
  // One byte more than the tail is asked for, to see whether the first line read is whole.
  const cap = TAIL_BYTES + 1;
  const bytesLimit = 1.1 * Math.max(base.bytesRead, cap);
  const figures: Figure[] = [];
  for (const result of results) {
    const isBase = result === base;
    const of = `one turn on ${result.turns.toLocaleString('en')} turns of history`;
    const object = `the conversation object is ${round(result.objectBytes / 1024, 1)} KiB`;
    figures.push(
      againstFloor(
        {
          group: 'history',
          name: `OSS requests, ${of}`,
          value: result.requests,
          unit: 'requests',
          ...(isBase ? {} : { budget: { rule: 'flat: equal to the 10-turn figure', pass: result.requests === base.requests } }),
          note: result.operations.join(', '),
        },
        { value: base.requests, what: 'the same figure at 10 turns' },
      ),
      againstFloor(
        {
          group: 'history',
          name: `OSS bytes read, ${of}`,
          value: result.bytesRead,
          unit: 'B',
          ...(isBase
            ? {}
            : {
                budget: {
                  rule: `flat: ≤ 1.1 × max(10-turn figure, tail cap ${cap.toLocaleString('en')} B) = ${Math.floor(bytesLimit).toLocaleString('en')} B`,
                  pass: result.bytesRead <= bytesLimit,
                },
              }),
          note:
            `${object}; a turn reads min(object, HISTORY_TAIL_BYTES + 1 = ${cap.toLocaleString('en')} B) ` +
            (result.objectBytes < cap ? '— here the whole object, which is smaller than the tail window' : '— here the cap'),
        },
        { value: base.bytesRead, what: 'the same figure at 10 turns' },
      ),
    );
  }
  return figures;
}
