import { createConversationHistory } from '../../../../shared/history/conversation-history';
import { parseRecords } from '../../../../shared/history/records';
import { createMemoryAppendLog } from '../../../helpers/memory-append-log';

describe('conversation history', () => {
  it('claims a message once: a second delivery finds it busy, and after the terminal record, answered', async () => {
    // Prepare
    const store = createMemoryAppendLog();
    const history = createConversationHistory({ log: store.log, tailBytes: 4096 });
    // Act
    const first = await history.claim(await history.open('k'), { id: 'm1', by: 'd1', at: 1, until: 100 });
    const busy = await history.claim(await history.open('k'), { id: 'm1', by: 'd2', at: 2, until: 100 });
    await history.finish('k', first.view.position, [{ t: 'done', id: 'm1', at: 3, kind: 'help' }]);
    const answered = await history.claim(await history.open('k'), { id: 'm1', by: 'd3', at: 4, until: 100 });
    // Assess
    expect([first.state, busy.state, answered.state]).toEqual(['claimed', 'busy', 'answered']);
  });

  it('lets another delivery take over a claim whose holder is past its deadline', async () => {
    // Prepare
    const store = createMemoryAppendLog();
    const history = createConversationHistory({ log: store.log, tailBytes: 4096 });
    await history.claim(await history.open('k'), { id: 'm1', by: 'd1', at: 1, until: 50 });
    // Act
    const takenOver = await history.claim(await history.open('k'), { id: 'm1', by: 'd2', at: 60, until: 200 });
    // Assess
    expect(takenOver.state).toBe('claimed');
  });

  it('lets the same delivery resume its own claim (an FC retry), even before the lease ran out', async () => {
    // Prepare
    const store = createMemoryAppendLog();
    const history = createConversationHistory({ log: store.log, tailBytes: 4096 });
    await history.claim(await history.open('k'), { id: 'm1', by: 'd1', at: 1, until: 50 });
    // Act
    const resumed = await history.claim(await history.open('k'), { id: 'm1', by: 'd1', at: 10, until: 100 });
    // Assess
    expect(resumed.state).toBe('resumed');
  });

  it('renews the lease when a delivery resumes, so a redelivery cannot take an expired claim over meanwhile', async () => {
    // Prepare: delivery d1 claimed until t=50, died, and FC retries it at t=60
    const store = createMemoryAppendLog();
    const history = createConversationHistory({ log: store.log, tailBytes: 4096 });
    await history.claim(await history.open('k'), { id: 'm1', by: 'd1', at: 1, until: 50 });
    const resumed = await history.claim(await history.open('k'), { id: 'm1', by: 'd1', at: 60, until: 200 });
    // Act: DingTalk redelivers the same message while the retry is still answering
    const redelivery = await history.claim(await history.open('k'), { id: 'm1', by: 'd2', at: 70, until: 300 });
    // Assess
    expect(resumed.state).toBe('resumed');
    expect(redelivery.state).toBe('busy');
  });

  it('loses no record when two writers append from the same stale position', async () => {
    // Prepare
    const store = createMemoryAppendLog();
    const history = createConversationHistory({ log: store.log, tailBytes: 4096 });
    const view = await history.open('k');
    // Act
    await Promise.all([
      history.finish('k', view.position, [{ t: 'done', id: 'a', at: 1, kind: 'x' }]),
      history.finish('k', view.position, [{ t: 'done', id: 'b', at: 1, kind: 'x' }]),
    ]);
    // Assess
    expect(parseRecords(store.text('k')).records.map((record) => record.id).sort()).toEqual(['a', 'b']);
  });

  it('appends the terminal record and its state snapshot together, in one request', async () => {
    // Prepare
    const store = createMemoryAppendLog();
    const history = createConversationHistory({ log: store.log, tailBytes: 4096 });
    const claimed = await history.claim(await history.open('k'), { id: 'm1', by: 'd1', at: 1, until: 100 });
    const appendsBefore = store.calls.filter((call) => call === 'append').length;
    // Act
    const position = await history.finish('k', claimed.view.position, [
      { t: 'done', id: 'm1', at: 2, kind: 'persona-set' },
      { t: 'state', id: 'm1', at: 2, persona: '你是海盗' },
    ]);
    // Assess
    expect(store.calls.filter((call) => call === 'append').length - appendsBefore).toBe(1);
    expect(position).toBe(Buffer.byteLength(store.text('k')));
    expect(parseRecords(store.text('k')).records.map((record) => record.t)).toEqual(['claim', 'done', 'state']);
    expect((await history.open('k')).records.at(-1)).toEqual({ t: 'state', id: 'm1', at: 2, persona: '你是海盗' });
  });

  it('keeps the terminal record and its snapshot adjacent when another writer appended first', async () => {
    // Prepare
    const store = createMemoryAppendLog();
    const history = createConversationHistory({ log: store.log, tailBytes: 4096 });
    const stale = (await history.open('k')).position;
    await history.finish('k', stale, [{ t: 'done', id: 'other', at: 1, kind: 'help' }]);
    // Act
    await history.finish('k', stale, [
      { t: 'done', id: 'm1', at: 2, kind: 'model-set' },
      { t: 'state', id: 'm1', at: 2, model: 'model-b' },
    ]);
    // Assess
    expect(parseRecords(store.text('k')).records.map((record) => `${record.t}:${record.id}`)).toEqual(['done:other', 'done:m1', 'state:m1']);
  });

  it('reads a bounded tail however long the log grows', async () => {
    // Prepare
    const store = createMemoryAppendLog();
    const history = createConversationHistory({ log: store.log, tailBytes: 1024 });
    let position = 0;
    for (let n = 0; n < 200; n += 1) position = await history.finish('k', position, [{ t: 'turn', id: `m${n}`, at: n, user: '问题', assistant: '回答'.repeat(10) }]);
    // Act
    const view = await history.open('k');
    // Assess
    expect(store.text('k').length).toBeGreaterThan(10_000);
    expect(view.records.length).toBeLessThan(20);
    expect(view.records.at(-1)?.id).toBe('m199');
    expect(view.position).toBe(Buffer.byteLength(store.text('k')));
  });
});
