import { createAnswerStore } from '../../../../../shared/channels/wechat/answer-store';
import { objectsOverAppendLog } from '../../../../../shared/channels/wechat/stored-objects';
import { createLogger, silentLogger } from '../../../../../shared/logging/logger';
import { captureLog } from '../../../../helpers/builders';
import { createMemoryAppendLog } from '../../../../../shared/storage/memory/memory-append-log';

describe('WeChat answer store', () => {
  const day = 1_700_000_000_000;

  it('keeps exactly one answer per message when several workers write it at once', async () => {
    // Prepare
    const memory = createMemoryAppendLog();
    const store = createAnswerStore(objectsOverAppendLog(memory.log), 'wx/', silentLogger);
    // Act: an FC retry races the first attempt with a different text
    const wrote = await Promise.all([store.saveReply('gh', '1', 0, ['第一次']), store.saveReply('gh', '1', 0, ['第二次'])]);
    // Assess
    expect(wrote.filter(Boolean)).toHaveLength(1);
    expect((await store.readAnswer('gh', '1'))?.length).toBe(1);
    expect(await store.readAnswer('gh', '2')).toBeUndefined();
  });

  it('joins a turn’s replies in order and keys nothing by the plain ids', async () => {
    // Prepare
    const memory = createMemoryAppendLog();
    const store = createAnswerStore(objectsOverAppendLog(memory.log), 'wx/', silentLogger);
    // Act
    await store.saveReply('gh', '7250021412600020992', 0, ['a', 'b']);
    await store.saveReply('gh', '7250021412600020992', 1, ['c']);
    // Assess
    expect(await store.readAnswer('gh', '7250021412600020992')).toEqual(['a', 'b', 'c']);
    expect([...memory.objects.keys()].join()).not.toContain('7250021412600020992');
  });

  it('lets only one of two writers append to the user log at the position both read', async () => {
    // Prepare
    const store = createAnswerStore(objectsOverAppendLog(createMemoryAppendLog().log), 'wx/', silentLogger);
    const log = await store.readUserLog('gh', 'o1', day);
    // Act
    const outcomes = await Promise.all([
      store.appendUserLine('gh', 'o1', day, log, { seen: '1', at: 1 }),
      store.appendUserLine('gh', 'o1', day, log, { seen: '2', at: 2 }),
    ]);
    // Assess
    expect(outcomes.map(Boolean).sort()).toEqual([false, true]);
    const reread = await store.readUserLog('gh', 'o1', day);
    expect(reread.lines).toHaveLength(1);
    // The winner's log is what a read would give, so it can append again without reading.
    expect(outcomes.find(Boolean)).toEqual(reread);
  });

  it('skips a line that is not a record, with a warning, and keeps appending after it on a line of its own', async () => {
    // Prepare: a foreign line and a line cut short sit in the user's day log
    const memory = createMemoryAppendLog();
    const log = captureLog();
    const store = createAnswerStore(objectsOverAppendLog(memory.log), 'wx/', createLogger({ service: 'test', write: log.write }));
    await store.appendUserLine('gh', 'o1', day, await store.readUserLog('gh', 'o1', day), { seen: '1', at: 1 });
    const [key] = [...memory.objects.keys()];
    memory.objects.set(key ?? '', Buffer.concat([memory.objects.get(key ?? '') ?? Buffer.alloc(0), Buffer.from('{"n":"x"}\n{"seen":"2"')]));
    // Act
    const read = await store.readUserLog('gh', 'o1', day);
    const appended = await store.appendUserLine('gh', 'o1', day, read, { seen: '3', at: 3 });
    // Assess
    expect(read.lines).toEqual([{ seen: '1', at: 1 }]);
    const reread = await store.readUserLog('gh', 'o1', day);
    expect(reread.lines).toEqual([{ seen: '1', at: 1 }, { seen: '3', at: 3 }]);
    expect(appended).toEqual(reread);
    expect(log.entries()).toContainEqual(expect.objectContaining({ level: 'warn', skipped: 2 }));
  });
});
