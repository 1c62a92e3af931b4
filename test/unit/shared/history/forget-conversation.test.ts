import { createConversationHistory } from '../../../../shared/history/conversation-history';
import { historyLimits } from '../../../../shared/history/history-limits';
import { serializeRecord, type TurnRecord } from '../../../../shared/history/records';
import { createMemoryAppendLog } from '../../../../shared/storage/memory/memory-append-log';

const KEY = 'h/c/u.jsonl';
const OTHER = 'h/c/v.jsonl';
const turn = (id: string): TurnRecord => ({ t: 'turn', id, at: 1, user: '问', assistant: '答'.repeat(200) });
const fill = (from: number) => Array.from({ length: 40 }, (_, index) => serializeRecord(turn(`m${from + index}`))).join('');

function setup() {
  const store = createMemoryAppendLog();
  let clock = 1_000;
  const history = createConversationHistory({ log: store.log, ...historyLimits({ prefix: 'h/', tailBytes: 4096, maxBytes: 16 * 1024 }, () => (clock += 1_000)) });
  /** Fills the conversation's object past its limit and lets the next append move it to a fresh one. */
  const rotate = async (key: string, from: number) => {
    const view = await history.open(key);
    await store.log.append(key, view.position, fill(from));
    await history.openForAppend(key, { id: `r${from}`, by: `d${from}`, giveUpAtMs: Number.MAX_SAFE_INTEGER });
  };
  return { store, history, rotate };
}

describe('forgetting a conversation', () => {
  it('deletes the object and every archived copy it links to, and leaves other conversations alone', async () => {
    // Prepare: two moves of one conversation, one of another
    const { store, history, rotate } = setup();
    await rotate(KEY, 0);
    await rotate(KEY, 100);
    await rotate(OTHER, 200);
    const archives = (name: string) => [...store.objects.keys()].filter((key) => key.startsWith(`h/archive/c/${name}.`));
    expect(archives('u')).toHaveLength(2);
    // Act
    const outcome = await history.forget(KEY);
    // Assess
    expect(outcome).toEqual({ archives: 2 });
    expect(archives('u')).toEqual([]);
    expect(store.objects.has(KEY)).toBe(false);
    expect(archives('v')).toHaveLength(1);
    expect(store.objects.has(OTHER)).toBe(true);
  });

  it('deletes no object a record names unless it is one of this conversation’s archive keys', async () => {
    // Prepare: a line naming the other conversation's object as an archive
    const { store, history } = setup();
    await store.log.append(OTHER, 0, serializeRecord(turn('x')));
    await store.log.append(KEY, 0, serializeRecord({ t: 'rotated', id: 'r', at: 5, reason: 'full', archive: OTHER }));
    // Act
    const outcome = await history.forget(KEY);
    // Assess
    expect(outcome).toEqual({ archives: 0 });
    expect(store.objects.has(OTHER)).toBe(true);
    expect(store.objects.has(KEY)).toBe(false);
  });

  it('deletes an object too large to read for its links, and one that is absent without failing', async () => {
    // Prepare
    const { store, history } = setup();
    store.replaceWithNormal(KEY, fill(0).repeat(4));
    // Act
    await history.forget(KEY);
    await history.forget(KEY);
    // Assess
    expect(store.objects.size).toBe(0);
  });
});
