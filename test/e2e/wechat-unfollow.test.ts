import { answerKeyOf, userLogKeyOf } from '../../shared/channels/wechat/answer-store';
import { toInboundMessage } from '../../shared/channels/wechat/wechat-channel';
import { conversationKey } from '../../shared/history/conversation-key';
import { createOssAppendLog } from '../../shared/storage/oss/oss-append-log';
import { createOssClient } from '../../shared/storage/oss/oss-client';
import { WECHAT } from '../helpers/wechat-rig';
import { startWechatE2e, WECHAT_PREFIX, type WechatE2e } from './wechat-stack';

/**
 * A user who unfollows the account: WeChat asks that all their information be deleted (docs/wechat.md §3). On the
 * local stack, their history (and in passive mode the answer store's objects) must be gone from OSS afterwards,
 * without the model being asked or anything sent to the user.
 */
describe('end to end: a WeChat user unfollows', () => {
  let wx: WechatE2e | undefined;
  afterEach(async () => {
    await wx?.close();
    wx = undefined;
  });

  const user = 'oUser-leaving';
  const msgId = '7250021412600021001';

  /** Objects read back through the OSS protocol, as the functions wrote them. */
  const objectsOf = (stack: WechatE2e) => {
    const { stack: local } = stack.e2e;
    const log = createOssAppendLog(createOssClient({ bucket: local.bucket, region: 'cn-local', endpoint: local.oss.url, credentials: local.credentials, timeoutMs: 5000 }));
    const history = conversationKey(
      toInboundMessage({ kind: 'text', id: msgId, account: WECHAT.account, user, createTime: 0, text: '' }),
      { prefix: 'dingtalk-llm/history/', groupShared: false },
    );
    return {
      exists: async (key: string) => (await log.readAll(key, 1 << 20)) !== undefined,
      text: async (key: string) => (await log.readAll(key, 1 << 20))?.toString('utf8') ?? '',
      history,
    };
  };

  /** OSS requests made while `act` ran that changed something other than by deleting. */
  const writesDuring = async (stack: WechatE2e, act: () => Promise<unknown>) => {
    const before = stack.ossWrites().length;
    await act();
    await stack.e2e.drain();
    return stack.ossWrites().slice(before).filter((request) => request.method !== 'DELETE').map((request) => request.key);
  };

  it('passive mode: deletes the history and the answer store’s objects, and answers nothing', async () => {
    // Prepare: a chat, answered inside WeChat's requests
    wx = await startWechatE2e();
    const chat = await wx.platform().send(user, { type: 'text', content: '记住我', msgId });
    await wx.e2e.drain();
    const { exists, history } = objectsOf(wx);
    const userLog = userLogKeyOf(WECHAT_PREFIX, WECHAT.account, user, Date.now());
    expect(chat.seen).toBe('回答：记住我（共 2 条消息）');
    expect([await exists(history), await exists(userLog), await exists(answerKeyOf(WECHAT_PREFIX, WECHAT.account, msgId))]).toEqual([true, true, true]);
    const modelCalls = wx.e2e.openai.requests.length;
    // Act
    let unfollow: Awaited<ReturnType<ReturnType<WechatE2e['platform']>['send']>> | undefined;
    const writes = await writesDuring(wx, async () => (unfollow = await wx?.platform().send(user, { type: 'event', event: 'unsubscribe' })));
    // Assess: success at once; only the plaintext request's signature record and the event's claim were written,
    // neither holding what the user said (the signature record keeps the event's id hashed)
    expect(unfollow).toEqual({ seen: undefined, attempts: [200] });
    expect(wx.e2e.stack.asyncAccepted()).toBe(2);
    expect([await exists(history), await exists(userLog), await exists(answerKeyOf(WECHAT_PREFIX, WECHAT.account, msgId))]).toEqual([false, false, false]);
    expect(writes.sort()).toEqual([expect.stringMatching(/^dingtalk-llm\/messages\//), expect.stringMatching(/^dingtalk-llm\/wechat\/signatures\//)]);
    for (const key of writes) expect(await objectsOf(wx).text(key)).not.toContain(user);
    expect(wx.e2e.openai.requests).toHaveLength(modelCalls);
  });

  it('customer-service mode: deletes the history and sends the user nothing', async () => {
    // Prepare
    wx = await startWechatE2e({ customerService: true });
    await wx.platform().send(user, { type: 'text', content: '记住我', msgId });
    await wx.e2e.drain();
    const { exists, history } = objectsOf(wx);
    expect(await exists(history)).toBe(true);
    // Act
    const unfollow = await wx.platform().send(user, { type: 'event', event: 'unsubscribe' });
    await wx.e2e.drain();
    // Assess
    expect(unfollow).toEqual({ seen: undefined, attempts: [200] });
    expect(await exists(history)).toBe(false);
    expect(wx.api.sent).toEqual([{ touser: user, content: '回答：记住我（共 2 条消息）' }]);
    expect(wx.e2e.openai.requests).toHaveLength(1);
  });
});
