import { createConversationHistory } from '../../../../shared/history/conversation-history';
import { historyLimits } from '../../../../shared/history/history-limits';
import { parseRecords, serializeRecord, type TurnRecord } from '../../../../shared/history/records';
import { createMemoryAppendLog } from '../../../../shared/storage/memory/memory-append-log';

const KEY = 'h/c/u.jsonl';
const turn = (id: string): TurnRecord => ({ t: 'turn', id, at: 1, user: '问', assistant: '答', sum: { turns: 1, prompt: 3, completion: 4, since: 1 } });

/** A clock that runs from `startMs`, as the rotation's waits need. */
const clockFrom = (startMs: number) => {
  const started = Date.now();
  return () => startMs + (Date.now() - started);
};

function setup(now = clockFrom(1_000)) {
  const store = createMemoryAppendLog();
  const history = createConversationHistory({ log: store.log, ...historyLimits({ prefix: 'h/', tailBytes: 4096, maxBytes: 16 * 1024 }, now) });
  const lines = (key = KEY) => parseRecords(store.text(key)).records.map((record) => record.t);
  return { store, history, lines };
}

describe('moving a conversation to a fresh object', () => {
  it('keeps the old bytes of a Normal object under archive/, and carries the settings and usage it could read', async () => {
    // Prepare
    const { store, history, lines } = setup();
    store.replaceWithNormal(KEY, [turn('m1'), { t: 'state' as const, id: 's', at: 1, persona: '海盗' }].map(serializeRecord).join(''));
    // Act
    const view = await history.openForAppend(KEY, { id: 'm2', by: 'd2', giveUpAtMs: Number.MAX_SAFE_INTEGER });
    // Assess
    expect(view.rotatedFrom).toBe('not-appendable');
    expect(lines()).toEqual(['rotated', 'state']);
    expect(view.records.at(-1)).toMatchObject({ persona: '海盗', sum: { turns: 1 } });
    const archive = [...store.objects.keys()].find((key) => key.startsWith('h/archive/c/u.'));
    expect(store.text(archive ?? '')).toContain('"id":"m1"');
  });

  it('waits while another writer holds a live seal, and gives up with a storage error at its patience', async () => {
    // Prepare
    const { store, history } = setup();
    const sealed = [turn('m1'), { t: 'sealed' as const, id: 'x', at: 900, by: 'other', until: 60_000 }];
    await store.log.append(KEY, 0, sealed.map(serializeRecord).join(''));
    // Act / Assess
    await expect(history.openForAppend(KEY, { id: 'm2', by: 'd2', giveUpAtMs: 1_600 })).rejects.toThrow('being moved');
    expect(store.text(KEY)).toContain('"t":"sealed"');
  });

  it('moves a full object in six OSS requests: tail, seal, whole read, archive, delete, fresh start', async () => {
    // Prepare
    const { store, history } = setup();
    const big = Array.from({ length: 40 }, (_, index) => serializeRecord({ ...turn(`m${index}`), assistant: '答'.repeat(200) })).join('');
    await store.log.append(KEY, 0, big);
    store.calls.length = 0;
    // Act
    const view = await history.openForAppend(KEY, { id: 'm99', by: 'd', giveUpAtMs: Number.MAX_SAFE_INTEGER });
    // Assess
    expect(view.rotatedFrom).toBe('full');
    expect(store.calls).toEqual(['readTail', 'append', 'readAll', 'put', 'remove', 'append']);
  });

  it('takes over the move from a writer whose seal lease ran out', async () => {
    // Prepare
    const { store, history, lines } = setup(clockFrom(120_000));
    const sealed = [turn('m1'), { t: 'sealed' as const, id: 'x', at: 900, by: 'dead', until: 60_000 }];
    await store.log.append(KEY, 0, sealed.map(serializeRecord).join(''));
    // Act
    const view = await history.openForAppend(KEY, { id: 'm2', by: 'd2', giveUpAtMs: Number.MAX_SAFE_INTEGER });
    // Assess
    expect(view.rotatedFrom).toBe('full');
    expect(lines()[0]).toBe('rotated');
    expect([...store.objects.keys()].some((key) => key.startsWith('h/archive/'))).toBe(true);
  });

  it('lets one of several writers move a Normal object, through its lock object', async () => {
    // Prepare
    const { store, history } = setup();
    store.replaceWithNormal(KEY, 'foreign bytes\n');
    // Act
    const views = await Promise.all(['a', 'b', 'c'].map((by) => history.openForAppend(KEY, { id: `m-${by}`, by, giveUpAtMs: Number.MAX_SAFE_INTEGER })));
    // Assess
    expect(views.filter((view) => view.rotatedFrom !== undefined)).toHaveLength(1);
    expect([...store.objects.keys()].filter((key) => key.startsWith('h/archive/'))).toHaveLength(1);
  });

  it('keeps a record that a writer with an older view put into the fresh object first, and adds the move after it', async () => {
    // Prepare: right after the mover deletes the old object, another writer appends at 0
    const { store, lines } = setup();
    store.replaceWithNormal(KEY, 'foreign bytes\n');
    const log = {
      ...store.log,
      remove: async (key: string) => {
        await store.log.remove(key);
        await store.log.append(key, 0, serializeRecord(turn('early')));
      },
    };
    const history = createConversationHistory({ log, ...historyLimits({ prefix: 'h/', tailBytes: 4096, maxBytes: 16 * 1024 }, clockFrom(1_000)) });
    // Act
    const view = await history.openForAppend(KEY, { id: 'm2', by: 'd2', giveUpAtMs: Number.MAX_SAFE_INTEGER });
    // Assess
    expect(lines()).toEqual(['turn', 'rotated']);
    expect(view.rotatedFrom).toBe('not-appendable');
    expect(view.position).toBe(Buffer.byteLength(store.text(KEY)));
  });
});
