import axios from 'axios';
import { createSessionWebhookSender, WEBHOOK_EXPIRED, WEBHOOK_HOST_REFUSED } from '../../../../../shared/channels/dingtalk/session-webhook';
import { parseWebhookHosts } from '../../../../../shared/channels/dingtalk/webhook-hosts';
import { DingTalkApiError } from '../../../../../shared/errors';
import { startRecordingServer, type RecordingServer } from '../../../../helpers/recording-server';
import { type DingTalkStandIn, startDingTalkStandIn } from '../../../../../local/dingtalk/dingtalk-stand-in';

describe('createSessionWebhookSender', () => {
  const http = axios.create({ timeout: 5000 });
  const now = 1_700_000_000_000;
  let fake: DingTalkStandIn;
  const sender = () =>
    createSessionWebhookSender({ http, allowedHosts: parseWebhookHosts([new URL(fake.url).host]), now: () => now, expiryMarginMs: 30_000 });

  beforeEach(async () => {
    fake = await startDingTalkStandIn();
  });
  afterEach(() => fake.close());

  it('posts a markdown message that @-mentions the given users', async () => {
    // Prepare
    const webhook = { url: fake.webhookUrl('sess-1'), expiresAt: now + 60 * 60 * 1000 };

    // Act
    await sender().send(webhook, { title: '回复', text: '@user123\n\n你好' }, ['user123']);

    // Assess
    expect(fake.messages).toEqual([
      { via: 'webhook', session: 'sess-1', title: '回复', text: '@user123\n\n你好', atUserIds: ['user123'] },
    ]);
  });

  it('sends no at block when nobody is mentioned', async () => {
    // Prepare
    const webhook = { url: fake.webhookUrl('sess-1') };

    // Act
    await sender().send(webhook, { title: 't', text: 'plain' });

    // Assess
    expect(fake.requests[0]?.body).toEqual({ msgtype: 'markdown', markdown: { title: 't', text: 'plain' } });
  });

  it.each([
    ['an unknown session', () => `${fake.url}/robot/sendBySession?session=secret-session-id`, undefined, 200, '300001'],
    [
      'an errcode on HTTP 200',
      () => fake.webhookUrl('secret-session-id'),
      { status: 200, body: { errcode: 130101, errmsg: 'send too fast' } },
      200,
      '130101',
    ],
    ['an HTTP error', () => fake.webhookUrl('secret-session-id'), { status: 502, body: {} }, 502, undefined],
  ])('fails on %s with status and errcode, never the URL', async (_label, url, failure, status, apiCode) => {
    // Prepare
    const webhook = { url: url() };
    if (failure) fake.failNext('webhook', 1, failure);

    // Act
    const error = await sender().send(webhook, { title: 't', text: 'x' }).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(DingTalkApiError);
    expect(error).toMatchObject({ status, apiCode });
    expect((error as Error).message).not.toContain('secret-session-id');
    expect(fake.messages).toEqual([]);
  });

  it('reports the 20,000-byte body limit as errcode 460101', async () => {
    // Prepare
    const webhook = { url: fake.webhookUrl('sess-1') };

    // Act
    const error = await sender().send(webhook, { title: 't', text: '字'.repeat(7000) }).catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ name: 'DingTalkApiError', apiCode: '460101' });
  });

  it.each([
    ['already past', now - 1, true],
    ['inside the safety margin', now + 29_000, true],
    ['comfortably ahead', now + 31_000, false],
    ['unknown', undefined, false],
  ])('treats a webhook whose expiry is %s accordingly', (_label, expiresAt, expired) => {
    // Prepare
    const webhook = { url: fake.webhookUrl('sess-1'), expiresAt };

    // Act
    const result = sender().isExpired(webhook);

    // Assess
    expect(result).toBe(expired);
  });

  it('does not call an expired webhook at all', async () => {
    // Prepare
    const webhook = { url: fake.webhookUrl('sess-1'), expiresAt: now - 1 };

    // Act
    const error = await sender().send(webhook, { title: 't', text: 'x' }).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(DingTalkApiError);
    expect(error).toMatchObject({ apiCode: WEBHOOK_EXPIRED, status: undefined, connection: undefined });
    expect(fake.requests).toEqual([]);
  });

  it('says the request may have reached DingTalk when the webhook handled it and hung up', async () => {
    // Prepare
    fake.failNext('webhook', 1, 'handled-then-hangup');

    // Act
    const error = await sender().send({ url: fake.webhookUrl('secret-session-id') }, { title: 't', text: 'x' }).catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ name: 'DingTalkApiError', connection: 'lost-after-sending', message: 'session webhook failed: ECONNRESET' });
    expect(fake.messages).toHaveLength(1);
  });

  describe('refusing a webhook that is not DingTalk', () => {
    let attacker: RecordingServer;
    beforeEach(async () => {
      attacker = await startRecordingServer();
    });
    afterEach(() => attacker.close());

    it.each([
      ['the listed address on another port (an attacker\'s server)', () => `${attacker.url}/robot/sendBySession?session=s`],
      ['userinfo in front of the listed host', () => `http://user@${new URL(fake.url).host}/robot/sendBySession?session=sess-1`],
    ])('sends nothing to %s', async (_label, url) => {
      // Act
      const error = await sender().send({ url: url() }, { title: 't', text: '会话历史' }).catch((caught: unknown) => caught);

      // Assess
      expect(error).toMatchObject({ name: 'DingTalkApiError', message: 'session webhook host is not allowed', apiCode: WEBHOOK_HOST_REFUSED });
      expect(attacker.requests).toEqual([]);
      expect(fake.requests).toEqual([]);
    });

    it('does not follow a redirect from a listed host to another one', async () => {
      // Prepare
      const redirector = await startRecordingServer({ status: 307, headers: { location: `${attacker.url}/steal` } });
      const allowed = parseWebhookHosts([new URL(redirector.url).host]);
      const send = createSessionWebhookSender({ http, allowedHosts: allowed, now: () => now });

      // Act
      const error = await send.send({ url: `${redirector.url}/robot/sendBySession?session=s` }, { title: 't', text: 'x' }).catch((caught: unknown) => caught);
      await redirector.close();

      // Assess
      expect(error).toMatchObject({ name: 'DingTalkApiError', status: 307 });
      expect(redirector.requests).toHaveLength(1);
      expect(attacker.requests).toEqual([]);
    });
  });
});
