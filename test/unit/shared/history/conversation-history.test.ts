import { createConversationHistory } from '../../../../shared/history/conversation-history';
import { historyLimits } from '../../../../shared/history/history-limits';
import { parseRecords, type TurnRecord } from '../../../../shared/history/records';
import { createMemoryAppendLog } from '../../../../shared/storage/memory/memory-append-log';

function setup(limits: { tailBytes?: number; maxBytes?: number } = {}) {
  const store = createMemoryAppendLog();
  const settings = { prefix: 'h/', tailBytes: limits.tailBytes ?? 4096, maxBytes: limits.maxBytes ?? 1024 * 1024 };
  const history = createConversationHistory({ log: store.log, ...historyLimits(settings, () => 1_000) });
  const ids = (key: string) => parseRecords(store.text(key)).records.map((record) => `${record.t}:${record.id}`);
  return { store, history, ids };
}

const turn = (id: string, assistant = '回答'): TurnRecord => ({ t: 'turn', id, at: 1, user: '问题', assistant });

describe('conversation history', () => {
  it('loses no record when two writers append from the same stale view, and rebuilds the later one on what it missed', async () => {
    // Prepare
    const { history, ids } = setup();
    const view = await history.open('h/k.jsonl');
    const seen: number[] = [];
    // Act
    await Promise.all(
      ['a', 'b'].map((id) =>
        history.record(view, id, (latest) => {
          seen.push(latest.records.length);
          return [turn(id)];
        }),
      ),
    );
    // Assess
    expect(ids('h/k.jsonl').sort()).toEqual(['turn:a', 'turn:b']);
    expect(seen).toEqual([0, 0, 1]);
  });

  it('appends the terminal record and its state snapshot together, in one request', async () => {
    // Prepare
    const { store, history, ids } = setup();
    // Act
    await history.record(await history.open('h/k.jsonl'), 'm1', () => [
      { t: 'done', id: 'm1', at: 2, kind: 'persona-set' },
      { t: 'state', id: 'm1', at: 2, persona: '你是海盗' },
    ]);
    // Assess
    expect(store.calls.filter((call) => call === 'append')).toHaveLength(1);
    expect(ids('h/k.jsonl')).toEqual(['done:m1', 'state:m1']);
  });

  it('does not write a message twice when an earlier append landed unseen', async () => {
    // Prepare
    const { store, history, ids } = setup();
    const stale = await history.open('h/k.jsonl');
    await history.record(stale, 'm1', () => [turn('m1')]);
    // Act: the same message again from the view before its own append
    await history.record(stale, 'm1', () => [turn('m1', '第二次')]);
    // Assess
    expect(ids('h/k.jsonl')).toEqual(['turn:m1']);
    expect(store.text('h/k.jsonl')).not.toContain('第二次');
  });

  it('reads a bounded tail however long the log grows', async () => {
    // Prepare
    const { store, history } = setup({ tailBytes: 1024 });
    for (let n = 0; n < 200; n += 1) await history.record(await history.open('h/k.jsonl'), `m${n}`, () => [turn(`m${n}`, '回答'.repeat(10))]);
    // Act
    const view = await history.open('h/k.jsonl');
    // Assess
    expect(store.text('h/k.jsonl').length).toBeGreaterThan(10_000);
    expect(view.records.length).toBeLessThan(20);
    expect(view.records.at(-1)?.id).toBe('m199');
    expect(view.position).toBe(Buffer.byteLength(store.text('h/k.jsonl')));
  });

  it('still reads the last record when it alone is longer than the tail', async () => {
    // Prepare
    const { history } = setup({ tailBytes: 4096 });
    await history.record(await history.open('h/k.jsonl'), 'm1', () => [turn('m1', '长'.repeat(5_000))]);
    // Act
    const view = await history.open('h/k.jsonl');
    // Assess
    expect(view.records.map((record) => record.id)).toEqual(['m1']);
  });

  it.each([
    ['over HISTORY_MAX_BYTES', { maxBytes: 16 * 1024 }, 'full'],
    ['a Normal object', {}, 'not-appendable'],
  ] as const)('says a view must move to a fresh object when it is %s', async (name, limits, reason) => {
    // Prepare
    const { store, history } = setup(limits);
    if (name === 'a Normal object') store.replaceWithNormal('h/k.jsonl', `${JSON.stringify(turn('m1'))}\n`);
    else for (let n = 0; n < 6; n += 1) await history.record(await history.open('h/k.jsonl'), `m${n}`, () => [turn(`m${n}`, '回答'.repeat(500))]);
    // Act
    const view = await history.open('h/k.jsonl');
    // Assess
    expect(view.rotation).toBe(reason);
  });

  it('lets exactly one of two writers move a full object, and both end on the same fresh object', async () => {
    // Prepare
    const { store, history, ids } = setup({ maxBytes: 16 * 1024 });
    for (let n = 0; n < 6; n += 1) await history.record(await history.open('h/k.jsonl'), `m${n}`, () => [turn(`m${n}`, '回答'.repeat(500))]);
    // Act
    const views = await Promise.all(
      ['a', 'b'].map((id) => history.openForAppend('h/k.jsonl', { id, by: `d-${id}`, giveUpAtMs: Date.now() + 5_000 })),
    );
    await Promise.all(views.map((view, index) => history.record(view, `x${index}`, () => [turn(`x${index}`)])));
    // Assess
    const archives = [...store.objects.keys()].filter((name) => name.startsWith('h/archive/'));
    expect(archives).toHaveLength(1);
    expect(views.filter((view) => view.rotatedFrom === 'full')).toHaveLength(1);
    expect(ids('h/k.jsonl')[0]).toMatch(/^rotated:/);
    expect(ids('h/k.jsonl').filter((id) => id.startsWith('turn:x')).sort()).toEqual(['turn:x0', 'turn:x1']);
  });
});
