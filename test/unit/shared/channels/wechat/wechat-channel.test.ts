import { createCustomerServiceSender, CUSTOMER_SERVICE_MAX_MESSAGES } from '../../../../../shared/channels/wechat/customer-service';
import { createStableTokenProvider } from '../../../../../shared/channels/wechat/stable-token';
import { createWechatChannel } from '../../../../../shared/channels/wechat/wechat-channel';
import { wechatAgent } from '../../../../../shared/channels/wechat/wechat-http';
import { DeliveryError, PayloadParseError } from '../../../../../shared/errors';
import { createLogger } from '../../../../../shared/logging/logger';
import { captureLog } from '../../../../helpers/builders';
import { startFakeWechatApi, type FakeWechatApi } from '../../../../helpers/fake-wechat';
import { startWechatRig, WECHAT } from '../../../../helpers/wechat-rig';

const message = (overrides: Record<string, unknown> = {}) => ({
  kind: 'text', id: '7250021412600020992', account: WECHAT.account, user: WECHAT.user, createTime: 1_700_000_000, text: ' 你好 ', ...overrides,
});

let api: FakeWechatApi | undefined;
let rig: Awaited<ReturnType<typeof startWechatRig>> | undefined;
afterEach(async () => {
  await api?.close();
  await rig?.close();
  api = undefined;
  rig = undefined;
});

async function customerServiceChannel() {
  api = await startFakeWechatApi({ appId: WECHAT.appId, appSecret: WECHAT.appSecret });
  const http = { apiBase: api.url, timeoutMs: 2000, agent: wechatAgent(api.url) };
  const tokens = createStableTokenProvider({ ...http, appId: WECHAT.appId, appSecret: WECHAT.appSecret, now: Date.now });
  const log = captureLog();
  const logger = createLogger({ service: 'test', write: log.write, secrets: [WECHAT.appSecret] });
  const channel = createWechatChannel({ delivery: { mode: 'customer-service', sender: createCustomerServiceSender({ ...http, tokens }) }, logger });
  return { api, channel, log };
}

describe('the WeChat channel (worker half)', () => {
  it('opens a checked message as the neutral InboundMessage, one conversation per openid', () => {
    // Prepare
    const channel = createWechatChannel({ delivery: { mode: 'passive', store: {} as never, forgetUser: {} as never }, logger: createLogger({ service: 't', write: () => {} }) });
    // Act / Assess
    expect(channel.open(message()).message).toEqual({
      channel: 'wechat', id: '7250021412600020992', account: WECHAT.account,
      conversation: { id: WECHAT.user, group: false }, sender: { id: WECHAT.user },
      content: { kind: 'input', text: '你好', images: [] },
    });
    expect(channel.open(message({ kind: 'voice', text: undefined, recognition: '语音' })).message.content).toEqual({ kind: 'input', text: '语音', images: [] });
    expect(channel.open(message({ kind: 'voice', text: undefined })).message.content).toEqual({ kind: 'unsupported', type: 'audio' });
    expect(channel.open(message({ kind: 'other', text: undefined, msgType: 'image' })).message.content).toEqual({ kind: 'unsupported', type: 'picture' });
    expect(() => channel.open({ ...message(), kind: 'text', text: 5 })).toThrow(PayloadParseError);
  });

  it('opens an unfollow as a request to forget the user, and any other event as something it cannot read', () => {
    // Prepare
    const channel = createWechatChannel({ delivery: { mode: 'passive', store: {} as never, forgetUser: {} as never }, logger: createLogger({ service: 't', write: () => {} }) });
    const event = (name: string) => message({ kind: 'event', id: `${WECHAT.user}:1700000000`, text: undefined, event: name });
    // Act / Assess
    expect(channel.open(event('unsubscribe')).message).toMatchObject({ id: `${WECHAT.user}:1700000000`, conversation: { id: WECHAT.user }, content: { kind: 'forget' } });
    expect(channel.open(event('click')).message.content).toEqual({ kind: 'unsupported', type: 'event' });
  });

  it('customer service: sends a long answer as plain-text parts of at most 2000 bytes, five at most', async () => {
    // Prepare
    const { channel, api: fake } = await customerServiceChannel();
    const answer = Array.from({ length: 8 }, (_, i) => `## 第${i + 1}节\n\n**${'内容'.repeat(320)}**`).join('\n\n');
    // Act
    const result = await channel.open(message()).reply(answer);
    // Assess
    expect(result).toEqual({ parts: CUSTOMER_SERVICE_MAX_MESSAGES, skipped: 0 });
    expect(fake.sent).toHaveLength(5);
    expect(fake.sent.every((sent) => sent.touser === WECHAT.user && Buffer.byteLength(sent.content) <= 2000)).toBe(true);
    expect(fake.sent[0]?.content.startsWith('第1节\n\n内容')).toBe(true);
    expect(fake.sent.map((sent) => sent.content).join('')).not.toMatch(/[#*]/);
    expect(fake.sent[4]?.content).toMatch(/回答过长，其余内容已省略/);
  });

  it('customer service: fetches the token once, and again once when WeChat calls it stale', async () => {
    // Prepare
    const { channel, api: fake } = await customerServiceChannel();
    const turn = channel.open(message());
    await turn.reply('第一条');
    fake.expireToken();
    // Act
    await turn.reply('第二条');
    // Assess
    expect(fake.sent.map((sent) => sent.content)).toEqual(['第一条', '第二条']);
    expect(fake.tokenCalls).toBe(2);
  });

  it.each([
    [45015, false, /48 hours/],
    [48001, false, /WECHAT_CUSTOMER_SERVICE=false/],
    [40164, false, /allow-list/],
    [-1, true, undefined],
  ])('customer service: errcode %i is a DeliveryError (retryable: %s) with the admin’s remedy logged', async (errcode, retryable, advice) => {
    // Prepare
    const { channel, api: fake, log } = await customerServiceChannel();
    fake.failNext('custom/send', errcode);
    // Act
    const failure = await channel.open(message()).reply('你好').catch((error: unknown) => error);
    // Assess
    expect(failure).toBeInstanceOf(DeliveryError);
    expect(failure).toMatchObject({ retryable, deliveredParts: 0 });
    if (advice) expect(JSON.stringify(log.entries())).toMatch(advice);
    expect(log.lines.join('\n')).not.toContain(WECHAT.appSecret);
  });

  it('customer service: a send whose kept-alive connection resets after it was written is not sent again, and the answer goes on', async () => {
    // Prepare: one turn has fetched the token and sent over the kept-alive socket the next send reuses
    const { channel, api: fake, log } = await customerServiceChannel();
    const turn = channel.open(message());
    await turn.reply('第一条');
    fake.resetNext();
    // Act: the next reply's first part reaches WeChat, and the connection drops before the answer
    const result = await turn.reply(`${'甲'.repeat(600)}\n\n${'乙'.repeat(600)}`);
    // Assess: neither the client nor a retry of the turn sends it again; it counts as out, the next part follows
    expect(result).toEqual({ parts: 2, skipped: 0 });
    expect(fake.sendCalls).toBe(3);
    expect(fake.sent.map((sent) => sent.content)).toEqual(['第一条', '甲'.repeat(600), '乙'.repeat(600)]);
    expect(log.entries()).toContainEqual(expect.objectContaining({ level: 'warn', message: 'wechat customer-service part may have arrived; not sent again', part: 1 }));
  });

  it('customer service: a retry skips the parts an earlier attempt delivered', async () => {
    // Prepare
    const { channel, api: fake } = await customerServiceChannel();
    const answer = `${'甲'.repeat(600)}\n\n${'乙'.repeat(600)}`;
    // Act
    const result = await channel.open(message()).reply(answer, { skipParts: 1 });
    // Assess
    expect(result).toEqual({ parts: 2, skipped: 1 });
    expect(fake.sent.map((sent) => sent.content)).toEqual(['乙'.repeat(600)]);
  });

  it('customer service: parts an earlier attempt sent count against the five on a retry, so a second reply stays within them', async () => {
    // Prepare: an FC retry of a turn whose first reply of three parts went out before the failure
    const { channel, api: fake } = await customerServiceChannel();
    const three = (head: string) => [1, 2, 3].map((n) => `${head}${n}${'字'.repeat(650)}`).join('\n\n');
    const turn = channel.open(message());
    // Act
    const first = await turn.reply(three('甲'), { skipParts: 3 });
    const second = await turn.reply(three('乙'));
    // Assess
    expect(first).toEqual({ parts: 3, skipped: 3 });
    expect(second.parts).toBe(2);
    expect(fake.sent).toHaveLength(2);
    expect(fake.sent[1]?.content).toMatch(/回答过长，其余内容已省略/);
  });

  it('passive: writes the answer once per message for the callback to serve', async () => {
    // Prepare
    rig = await startWechatRig();
    const turn = rig.worker.open(message());
    // Act
    const first = await turn.reply(`# 标题\n\n${'内容'.repeat(500)}`);
    const retried = await rig.worker.open(message()).reply('另一个回答');
    // Assess
    expect(first.parts).toBe(2);
    expect(retried.parts).toBe(1);
    const stored = await rig.store.readAnswer(WECHAT.account, '7250021412600020992');
    expect(stored?.[0]?.startsWith('标题\n\n内容')).toBe(true);
    expect(stored).toHaveLength(2);
  });
});
