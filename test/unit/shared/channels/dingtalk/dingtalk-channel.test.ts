import { createCardGate } from '../../../../../shared/cards/card-gate';
import type { Channel } from '../../../../../shared/channels/channel';
import { createAccessTokenProvider } from '../../../../../shared/channels/dingtalk/access-token';
import { createCardClient } from '../../../../../shared/channels/dingtalk/card-client';
import { createDingTalkChannel } from '../../../../../shared/channels/dingtalk/dingtalk-channel';
import { createDingTalkHttp } from '../../../../../shared/channels/dingtalk/dingtalk-http';
import { createMessageFiles } from '../../../../../shared/channels/dingtalk/message-files';
import { createReplier } from '../../../../../shared/channels/dingtalk/replier';
import type { DingTalkMessage } from '../../../../../shared/channels/dingtalk/schema';
import { parseWebhookHosts } from '../../../../../shared/channels/dingtalk/webhook-hosts';
import { PayloadParseError } from '../../../../../shared/errors';
import { silentLogger } from '../../../../../shared/logging/logger';
import { createDingTalkMessage } from '../../../../helpers/builders';
import { STAND_IN_CARD_CONTENT_KEY, STAND_IN_CARD_TEMPLATE_ID, type DingTalkStandIn, startDingTalkStandIn } from '../../../../../local/dingtalk/dingtalk-stand-in';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(24)]);

describe('the DingTalk channel', () => {
  const http = createDingTalkHttp({ timeoutMs: 5000 });
  let fake: DingTalkStandIn;

  /** The worker's DingTalk channel, its clients talking to the fake DingTalk server. */
  const channel = (options: { cards?: boolean } = {}): Channel => {
    const tokens = createAccessTokenProvider({ http, apiBase: fake.url, appKey: fake.appKey, appSecret: fake.appSecret });
    const api = { http, apiBase: fake.url, tokens, appKey: fake.appKey };
    return createDingTalkChannel({
      replier: createReplier({ ...api, webhookHosts: parseWebhookHosts([new URL(fake.url).host]), logger: silentLogger }),
      cards: options.cards === false ? undefined : {
        client: createCardClient({ ...api, templateId: STAND_IN_CARD_TEMPLATE_ID, contentKey: STAND_IN_CARD_CONTENT_KEY }),
        gate: createCardGate({ now: Date.now, cooldownMs: 60_000 }),
      },
      files: createMessageFiles({ ...api, maxBytes: 1024 * 1024 }),
    });
  };
  const message = (overrides: Partial<DingTalkMessage> = {}): DingTalkMessage =>
    createDingTalkMessage({
      robotCode: fake.appKey,
      sessionWebhook: fake.webhookUrl('sess-1'),
      sessionWebhookExpiredTime: Date.now() + 3_600_000,
      ...overrides,
    });

  beforeEach(async () => {
    fake = await startDingTalkStandIn();
  });
  afterEach(() => fake.close());

  it('puts a 1:1 message into the neutral form, naming the sender by staff id', () => {
    // Act
    const turn = channel().open(message({ msgId: 'm1', text: { content: ' 你好 ' } }));
    // Assess
    expect(turn.message).toEqual({
      channel: 'dingtalk',
      id: 'm1',
      account: fake.appKey,
      conversation: { id: 'cidTEST==', group: false },
      sender: { id: 'staff-1', name: '张三' },
      content: { kind: 'input', text: '你好', images: [] },
    });
  });

  it("falls back to DingTalk's sender id without a staff id, and to '' as account without a robotCode", () => {
    // Act
    const turn = channel().open(message({ senderStaffId: undefined, robotCode: undefined, conversationType: '2' }));
    // Assess
    expect(turn.message).toMatchObject({ account: '', conversation: { group: true }, sender: { id: '$:LWCP_v1:$sender' } });
  });

  it('reads voice recognition, pictures and rich text, and names what it cannot read', () => {
    // Prepare
    const open = (overrides: Partial<DingTalkMessage>) => channel().open(message(overrides)).message.content;
    // Act
    const contents = [
      open({ msgtype: 'audio', content: { recognition: ' 明天天气 ' } }),
      open({ msgtype: 'picture', content: { downloadCode: 'code-1' } }),
      open({ msgtype: 'richText', content: { richText: [{ text: '这是' }, { downloadCode: 'code-2' }, { text: '什么' }] } }),
      open({ msgtype: 'file', content: { downloadCode: 'x' } }),
      open({ msgtype: 'audio', content: {} }),
    ];
    // Assess
    expect(contents).toEqual([
      { kind: 'input', text: '明天天气', images: [] },
      { kind: 'input', text: '', images: ['code-1'] },
      { kind: 'input', text: '这是什么', images: ['code-2'] },
      { kind: 'unsupported', type: 'file' },
      { kind: 'unsupported', type: 'audio' },
    ]);
  });

  it('refuses a message that is not a DingTalk callback with PayloadParseError, touching nothing', () => {
    // Act
    const attempts = [undefined, {}, { ...message(), conversationType: '3' }, { ...message(), sessionWebhook: 'not a url' }].map((payload) => {
      try {
        channel().open(payload);
        return undefined;
      } catch (error) {
        return error;
      }
    });
    // Assess
    for (const error of attempts) expect(error).toBeInstanceOf(PayloadParseError);
    expect(fake.requests).toEqual([]);
  });

  it("replies into the message's own chat through its session webhook", async () => {
    // Prepare
    const turn = channel().open(message());
    // Act
    const result = await turn.reply('答案');
    // Assess
    expect(result).toMatchObject({ parts: 1, skipped: 0 });
    expect(fake.messages).toEqual([expect.objectContaining({ via: 'webhook', session: 'sess-1', text: '答案' })]);
  });

  it("binds cards to the message's chat: the sender's 1:1 chat, or the group", async () => {
    // Prepare
    const oneToOne = channel().open(message());
    const group = channel().open(message({ conversationType: '2', conversationId: 'cidGroup==' }));
    // Act
    await oneToOne.cards?.create({ outTrackId: 'track-1', content: '思考中…' });
    await group.cards?.create({ outTrackId: 'track-2', content: '思考中…' });
    // Assess
    expect(fake.cards.map((card) => card.openSpaceId)).toEqual(['dtv1.card//IM_ROBOT.staff-1', 'dtv1.card//IM_GROUP.cidGroup==']);
  });

  it('offers no cards when they are not configured, or to a 1:1 sender without staff id', () => {
    // Act
    const unconfigured = channel({ cards: false }).open(message());
    const noStaffId = channel().open(message({ senderStaffId: undefined }));
    const groupWithout = channel().open(message({ senderStaffId: undefined, conversationType: '2' }));
    // Assess
    expect(unconfigured.cards).toBeUndefined();
    expect(noStaffId.cards).toBeUndefined();
    expect(groupWithout.cards).toBeDefined();
  });

  it("downloads a message's pictures with its robotCode", async () => {
    // Prepare
    fake.addFile('code-1', { body: PNG });
    const turn = channel().open(message({ msgtype: 'picture', content: { downloadCode: 'code-1' } }));
    // Act
    const image = await turn.media?.downloadImage({ downloadCode: 'code-1' });
    // Assess
    expect(image).toMatchObject({ mimeType: 'image/png', bytes: PNG.length });
    const download = fake.requests.find((request) => request.path.includes('messageFiles/download'));
    expect(download?.body).toMatchObject({ downloadCode: 'code-1', robotCode: fake.appKey });
  });
  it("counts the turn's metered OpenAPI calls: the token it fetched, cards, OpenAPI sends, downloads; not the webhook", async () => {
    // Prepare: the webhook has expired, so the reply goes through the OpenAPI
    fake.addFile('code-1', { body: PNG });
    const dingtalk = channel();
    const turn = dingtalk.open(message({ sessionWebhookExpiredTime: Date.now() - 1 }));
    const webhookTurn = dingtalk.open(message());

    // Act
    await turn.media?.downloadImage({ downloadCode: 'code-1' });
    await turn.cards?.create({ outTrackId: 'track-1', content: '思考中…' });
    await turn.cards?.stream({ outTrackId: 'track-1', content: '答', finalize: false });
    await turn.cards?.finish({ outTrackId: 'track-1', content: '答案', failed: false });
    await turn.reply('答案');
    await webhookTurn.reply('答案');

    // Assess: token + download + create + streaming + finish + batchSend; the other turn's webhook reply costs none
    expect(turn.apiCalls?.()).toBe(6);
    expect(webhookTurn.apiCalls?.()).toBe(0);
  });
});
