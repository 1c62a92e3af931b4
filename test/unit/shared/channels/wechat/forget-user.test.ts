import { answerKeyOf, createAnswerStore, userLogKeyOf } from '../../../../../shared/channels/wechat/answer-store';
import { createUserEraser, FORGOTTEN_DAYS } from '../../../../../shared/channels/wechat/forget-user';
import { objectsOverAppendLog } from '../../../../../shared/channels/wechat/stored-objects';
import { createWechatChannel } from '../../../../../shared/channels/wechat/wechat-channel';
import { silentLogger } from '../../../../../shared/logging/logger';
import { createMemoryAppendLog } from '../../../../../shared/storage/memory/memory-append-log';

const DAY_MS = 24 * 3600_000;
const unfollowAt = 1_700_000_000_000;

/** A passive-mode store in which user `o1` chatted on two days and `o2` on one, each answer written by the worker. */
async function storeWithTwoUsers() {
  const memory = createMemoryAppendLog();
  const store = createAnswerStore(objectsOverAppendLog(memory.log), 'wx/', silentLogger);
  const chat = async (user: string, msgId: string, atMs: number) => {
    const log = await store.readUserLog('gh', user, atMs);
    await store.appendUserLine('gh', user, atMs, log, { seen: msgId, at: atMs });
    await store.saveReply('gh', msgId, 0, [`答 ${msgId}`]);
    const served = await store.readUserLog('gh', user, atMs);
    await store.appendUserLine('gh', user, atMs, served, { served: msgId, part: 0, by: msgId });
  };
  await chat('o1', '101', unfollowAt - 2 * DAY_MS);
  await chat('o1', '102', unfollowAt - 60_000);
  await chat('o2', '201', unfollowAt - 60_000);
  return { memory, store };
}

describe('forgetting a WeChat user who unfollowed (passive mode)', () => {
  it('deletes the user’s day logs and the answers they name, and leaves other users’ objects', async () => {
    // Prepare
    const { memory, store } = await storeWithTwoUsers();
    const channel = createWechatChannel({ delivery: { mode: 'passive', store, forgetUser: createUserEraser(store, memory.log, 'wx/') }, logger: silentLogger });
    const turn = channel.open({ kind: 'event', id: `o1:${unfollowAt / 1000}`, account: 'gh', user: 'o1', createTime: unfollowAt / 1000, event: 'unsubscribe' });
    // Act
    await turn.forgetSender?.();
    // Assess
    expect([...memory.objects.keys()].sort()).toEqual(
      [answerKeyOf('wx/', 'gh', '201'), userLogKeyOf('wx/', 'gh', 'o2', unfollowAt)].sort(),
    );
    expect(await store.readAnswer('gh', '101')).toBeUndefined();
  });

  it('looks at the lifecycle rule’s days only, and a second run deletes again without failing', async () => {
    // Prepare
    const { memory, store } = await storeWithTwoUsers();
    const forget = createUserEraser(store, memory.log, 'wx/');
    const older = unfollowAt - FORGOTTEN_DAYS * DAY_MS;
    await store.appendUserLine('gh', 'o1', older, await store.readUserLog('gh', 'o1', older), { seen: '100', at: older });
    // Act
    await forget('gh', 'o1', unfollowAt);
    const again = await forget('gh', 'o1', unfollowAt);
    // Assess: a log older than the rule's reach is the rule's (it would be gone already in OSS)
    expect(again).toBe(FORGOTTEN_DAYS);
    expect(memory.objects.has(userLogKeyOf('wx/', 'gh', 'o1', older))).toBe(true);
    expect(memory.objects.has(userLogKeyOf('wx/', 'gh', 'o1', unfollowAt - 2 * DAY_MS))).toBe(false);
  });
});
