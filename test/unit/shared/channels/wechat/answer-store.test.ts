import { createAnswerStore } from '../../../../../shared/channels/wechat/answer-store';
import { objectsOverAppendLog } from '../../../../../shared/channels/wechat/stored-objects';
import { StorageError } from '../../../../../shared/errors';
import { createMemoryAppendLog } from '../../../../../shared/storage/memory/memory-append-log';

describe('WeChat answer store', () => {
  const day = 1_700_000_000_000;

  it('keeps exactly one answer per message when several workers write it at once', async () => {
    // Prepare
    const memory = createMemoryAppendLog();
    const store = createAnswerStore(objectsOverAppendLog(memory.log), 'wx/');
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
    const store = createAnswerStore(objectsOverAppendLog(memory.log), 'wx/');
    // Act
    await store.saveReply('gh', '7250021412600020992', 0, ['a', 'b']);
    await store.saveReply('gh', '7250021412600020992', 1, ['c']);
    // Assess
    expect(await store.readAnswer('gh', '7250021412600020992')).toEqual(['a', 'b', 'c']);
    expect([...memory.objects.keys()].join()).not.toContain('7250021412600020992');
  });

  it('lets only one of two writers append to the user log at the position both read', async () => {
    // Prepare
    const store = createAnswerStore(objectsOverAppendLog(createMemoryAppendLog().log), 'wx/');
    const log = await store.readUserLog('gh', 'o1', day);
    // Act
    const outcomes = await Promise.all([
      store.appendUserLine('gh', 'o1', day, log, { seen: '1', at: 1 }),
      store.appendUserLine('gh', 'o1', day, log, { seen: '2', at: 2 }),
    ]);
    // Assess
    expect(outcomes.sort()).toEqual([false, true]);
    expect((await store.readUserLog('gh', 'o1', day)).lines).toHaveLength(1);
  });

  it('refuses an object that holds something else', async () => {
    // Prepare
    const memory = createMemoryAppendLog();
    const store = createAnswerStore(objectsOverAppendLog(memory.log), 'wx/');
    await store.saveReply('gh', '1', 0, ['a']);
    const [key] = [...memory.objects.keys()];
    memory.objects.set(key ?? '', Buffer.from('{"n":"x"}\n'));
    // Act / Assess
    await expect(store.readAnswer('gh', '1')).rejects.toThrow(StorageError);
  });
});
