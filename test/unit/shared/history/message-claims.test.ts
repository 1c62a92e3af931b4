import { createMessageClaims } from '../../../../shared/history/message-claims';
import { createMemoryAppendLog } from '../../../../shared/storage/memory/memory-append-log';

function setup() {
  const store = createMemoryAppendLog();
  const claims = createMessageClaims({ log: store.log, prefix: 'messages/' });
  return { store, claims, key: claims.keyOf('robot', 'm1') };
}

describe('message claims', () => {
  it('lets the first delivery claim a message with one request; another one finds it busy while the lease runs', async () => {
    // Prepare
    const { store, claims, key } = setup();
    // Act
    const first = await claims.claim({ key, by: 'd1', at: 1, until: 100 });
    const requests = store.calls.length;
    const second = await claims.claim({ key, by: 'd2', at: 2, until: 200 });
    // Assess
    expect([first.kind, second.kind]).toEqual(['new', 'busy']);
    expect(requests).toBe(1);
  });

  it('lets an FC retry of the same delivery resume, with the reply the failed run stored and the parts it sent', async () => {
    // Prepare
    const { claims, key } = setup();
    await claims.claim({ key, by: 'd1', at: 1, until: 100 });
    await claims.recordStored(key, 'd1', 5, { parts: 2, lines: '{"t":"done","id":"m1","at":5,"kind":"help","reply":"帮助"}\n' });
    // Act
    const retry = await claims.claim({ key, by: 'd1', at: 10, until: 200 });
    // Assess
    expect(retry).toEqual({ kind: 'resumed', since: 1, live: false, stored: { parts: 2, lines: '{"t":"done","id":"m1","at":5,"kind":"help","reply":"帮助"}\n' } });
  });

  it('renews the lease on resume, so a redelivery meanwhile finds the message busy', async () => {
    // Prepare
    const { claims, key } = setup();
    await claims.claim({ key, by: 'd1', at: 1, until: 50 });
    await claims.claim({ key, by: 'd1', at: 60, until: 200 });
    // Act
    const redelivery = await claims.claim({ key, by: 'd2', at: 70, until: 300 });
    // Assess
    expect(redelivery.kind).toBe('busy');
  });

  it('hands a message whose holder is past its lease to the next delivery, saying since when it was claimed', async () => {
    // Prepare
    const { claims, key } = setup();
    await claims.claim({ key, by: 'd1', at: 1, until: 50 });
    // Act
    const later = await claims.claim({ key, by: 'd2', at: 86_400_000, until: 86_500_000 });
    const third = await claims.claim({ key, by: 'd3', at: 86_400_001, until: 86_500_000 });
    // Assess
    expect(later).toEqual({ kind: 'taken-over', since: 1 });
    expect(third.kind).toBe('busy');
  });

  it('gives a message to exactly one of many concurrent deliveries', async () => {
    // Prepare
    const { claims, key } = setup();
    // Act
    const states = await Promise.all(Array.from({ length: 10 }, (_, index) => claims.claim({ key, by: `d${index}`, at: 1, until: 100 })));
    // Assess
    expect(states.filter((state) => state.kind === 'new')).toHaveLength(1);
    expect(states.filter((state) => state.kind === 'busy')).toHaveLength(9);
  });

  it('lets another delivery take over at once from a run that stored its undelivered reply, and hands it the reply', async () => {
    // Prepare
    const { claims, key } = setup();
    await claims.claim({ key, by: 'd1', at: 1, until: 100 });
    await claims.recordStored(key, 'd1', 5, { parts: 1, lines: '{"t":"done","id":"m1","at":5,"kind":"help","reply":"帮助"}\n' });
    // Act
    const redelivery = await claims.claim({ key, by: 'd2', at: 10, until: 200 });
    // Assess
    expect(redelivery).toMatchObject({ kind: 'taken-over', since: 1, stored: { parts: 1 } });
  });
});
