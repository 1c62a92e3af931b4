import { buildTextCallback, signedHeaders } from '../../../local/dingtalk-callback';
import { toInboundMessage } from '../../../shared/channels/dingtalk/inbound';
import { DingTalkCallbackSchema } from '../../../shared/channels/dingtalk/schema';
import { verifyDingTalkSignature } from '../../../shared/channels/dingtalk/verify-signature';
import { parseWith } from '../../../shared/validation/parse';

/** What the worker makes of the body: the callback must pass the same schema a real DingTalk callback passes. */
const inbound = (body: Record<string, unknown>) => toInboundMessage(parseWith(DingTalkCallbackSchema, body));
const base = { sessionWebhook: 'http://127.0.0.1:9001/robot/sendBySession?session=s', robotCode: 'local-app-key', now: 1_780_000_000_000 };

describe('buildTextCallback', () => {
  it('builds a 1:1 text message from the default member', () => {
    // Act
    const message = inbound(buildTextCallback({ ...base, text: '你好' }));
    // Assess
    expect(message).toMatchObject({ conversation: { id: 'cidLocal-local-user==', group: false }, sender: { id: 'local-user', name: 'local-user' } });
    expect(message.content).toEqual({ kind: 'input', text: '你好', images: [] });
    expect(message.mentions).toBeUndefined();
  });

  it('lets two members share one group conversation, each as themselves', () => {
    // Act
    const lisi = inbound(buildTextCallback({ ...base, text: 'hi', group: true, user: 'lisi', nick: '李四' }));
    const wangwu = inbound(buildTextCallback({ ...base, text: 'hi', group: true, user: 'wangwu' }));
    // Assess
    expect(lisi.conversation).toEqual(wangwu.conversation);
    expect(lisi.conversation.group).toBe(true);
    expect([lisi.sender, wangwu.sender]).toEqual([{ id: 'lisi', name: '李四' }, { id: 'wangwu', name: 'wangwu' }]);
  });

  it('takes a group’s id and title when given', () => {
    // Act
    const body = buildTextCallback({ ...base, text: 'hi', group: true, conversationId: 'cidGroupDev==', conversationTitle: '研发群' });
    // Assess
    expect([body['conversationId'], body['conversationTitle'], body['conversationType']]).toEqual(['cidGroupDev==', '研发群', '2']);
  });

  it('lists the robot and the picked mentions in atUsers, as DingTalk does, which the worker reads as mentions', () => {
    // Act
    const body = buildTextCallback({ ...base, text: '/admin block', group: true, user: 'zhangsan', mentions: [{ staffId: 'lisi' }] });
    // Assess
    expect(body['atUsers']).toEqual([{ dingtalkId: body['chatbotUserId'] }, { dingtalkId: '$:LWCP_v1:$lisi', staffId: 'lisi' }]);
    expect(inbound(body).mentions).toEqual(['lisi']);
  });

  it('sends an empty @-mention as text with nothing typed', () => {
    // Act
    const message = inbound(buildTextCallback({ ...base, group: true }));
    // Assess
    expect(message.content).toEqual({ kind: 'input', text: '', images: [] });
  });

  it('builds a picture message that carries the download code the worker fetches', () => {
    // Act
    const body = buildTextCallback({ ...base, picture: { downloadCode: 'code-1' } });
    // Assess
    expect(body['msgtype']).toBe('picture');
    expect(body['content']).toEqual({ downloadCode: 'code-1', pictureDownloadCode: 'code-1' });
    expect(inbound(body).content).toEqual({ kind: 'input', text: '', images: ['code-1'] });
  });
});

describe('signedHeaders', () => {
  it('signs the timestamp as DingTalk does, so the callback accepts it', () => {
    // Act
    const headers = signedHeaders('local-app-secret-change-me', 1_780_000_000_000);
    // Assess
    const check = (appSecret: string) => () =>
      verifyDingTalkSignature({ appSecret, timestamp: headers['timestamp'] ?? '', sign: headers['sign'] ?? '', nowMs: 1_780_000_001_000 });
    expect(check('local-app-secret-change-me')).not.toThrow();
    expect(check('another-secret-000')).toThrow();
  });
});
