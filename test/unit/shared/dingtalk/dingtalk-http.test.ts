import { createAccessTokenProvider } from '../../../../shared/dingtalk/access-token';
import { createCardClient } from '../../../../shared/dingtalk/card-client';
import { createDingTalkHttp, DINGTALK_ANSWER_MAX_BYTES, statusReason } from '../../../../shared/dingtalk/dingtalk-http';
import { createMessageFiles } from '../../../../shared/dingtalk/message-files';
import { createOpenApiClient } from '../../../../shared/dingtalk/openapi-client';
import { createSessionWebhookSender } from '../../../../shared/dingtalk/session-webhook';
import { parseWebhookHosts, webhookHostOf } from '../../../../shared/dingtalk/webhook-hosts';
import { createDingTalkMessage } from '../../../helpers/builders';
import {
  FAKE_CARD_CONTENT_KEY,
  FAKE_CARD_TEMPLATE_ID,
  type FakeDingTalk,
  type FakeFailure,
  type FakeRoute,
  startFakeDingTalk,
} from '../../../helpers/fake-dingtalk';
import { gzipBomb } from '../../../helpers/oversized-body';

const MB = 1024 * 1024;
const BOMB_BYTES = 64 * MB;

/**
 * The worker's one DingTalk HTTP client, against every DingTalk call it makes: no answer is read past
 * DINGTALK_ANSWER_MAX_BYTES (inflated bytes, not wire bytes), and no redirect is followed.
 */
describe('createDingTalkHttp', () => {
  const http = createDingTalkHttp({ timeoutMs: 5000 });
  let fake: FakeDingTalk;
  /** Where the redirects point: it must never be asked anything. */
  let elsewhere: FakeDingTalk;

  beforeEach(async () => {
    [fake, elsewhere] = await Promise.all([startFakeDingTalk(), startFakeDingTalk()]);
  });
  afterEach(() => Promise.all([fake.close(), elsewhere.close()]));

  const tokens = () => createAccessTokenProvider({ http, apiBase: fake.url, appKey: fake.appKey, appSecret: fake.appSecret });
  const calls: Record<string, { route: FakeRoute; call: () => Promise<unknown> }> = {
    'the session webhook': {
      route: 'webhook',
      call: () => createSessionWebhookSender({ http, allowedHosts: parseWebhookHosts([webhookHostOf(fake.url)]) }).send({ url: fake.webhookUrl('s1') }, { title: 't', text: '你好' }),
    },
    'the access token': { route: 'token', call: () => tokens().get() },
    'a 1:1 robot message (batchSend)': {
      route: 'batchSend',
      call: () => createOpenApiClient({ http, apiBase: fake.url, tokens: tokens() }).sendToUser({ robotCode: fake.appKey, userId: 'u1', title: 't', text: 'x' }),
    },
    'a group robot message (groupMessages/send)': {
      route: 'groupSend',
      call: () => createOpenApiClient({ http, apiBase: fake.url, tokens: tokens() }).sendToGroup({ robotCode: fake.appKey, conversationId: 'cid==', title: 't', text: 'x' }),
    },
    'an AI card (createAndDeliver)': {
      route: 'cardCreate',
      call: () =>
        createCardClient({ http, apiBase: fake.url, tokens: tokens(), appKey: fake.appKey, templateId: FAKE_CARD_TEMPLATE_ID, contentKey: FAKE_CARD_CONTENT_KEY })
          .create({ outTrackId: 'card-1', message: createDingTalkMessage({ robotCode: fake.appKey }), content: '思考中…' }),
    },
    'a message file download URL': {
      route: 'fileDownload',
      call: () => {
        fake.addFile('code-1', { body: Buffer.from('GIF89a') });
        return createMessageFiles({ http, apiBase: fake.url, tokens: tokens(), appKey: fake.appKey, maxBytes: MB }).downloadImage({ downloadCode: 'code-1' });
      },
    },
  };
  const attacks: Array<[string, () => FakeFailure, string]> = [
    ['a 300 MB answer', () => ({ status: 200, oversized: { bytes: 300 * MB } }), `larger than ${DINGTALK_ANSWER_MAX_BYTES} bytes`],
    ['a gzip bomb', () => ({ status: 200, oversized: { bytes: BOMB_BYTES, gzip: true } }), `larger than ${DINGTALK_ANSWER_MAX_BYTES} bytes`],
    ['a 302 redirect', () => ({ status: 302, headers: { location: `${elsewhere.url}/robot/sendBySession?session=x` } }), statusReason(302)],
    ['a 307 redirect', () => ({ status: 307, headers: { location: `${elsewhere.url}/v1.0/robot/oToMessages/batchSend` } }), statusReason(307)],
  ];
  const cases = Object.entries(calls).flatMap(([name, target]) => attacks.map(([attack, failure, reason]) => [name, attack, target, failure, reason] as const));

  it.each(cases)('fails %s on %s, saying why, and follows nothing', async (_name, _attack, target, failure, reason) => {
    // Prepare
    fake.failNext(target.route, 1, failure());

    // Act
    const error: unknown = await target.call().then(
      () => new Error('expected the call to fail'),
      (thrown: unknown) => thrown,
    );

    // Assess
    expect((error as Error).message).toContain(reason);
    expect((error as Error).message).not.toContain(fake.url);
    expect(elsewhere.requests).toEqual([]);
    expect(fake.messages).toEqual([]);
  });

  it('counts inflated bytes: a bomb smaller than the limit on the wire still fails, a small gzip answer does not', async () => {
    // Prepare
    const wireBytes = (await gzipBomb(BOMB_BYTES)).length;
    const webhook = createSessionWebhookSender({ http, allowedHosts: parseWebhookHosts([webhookHostOf(fake.url)]) });
    fake.failNext('webhook', 1, { status: 200, oversized: { bytes: DINGTALK_ANSWER_MAX_BYTES / 2, gzip: true } });
    fake.failNext('webhook', 1, { status: 200, oversized: { bytes: BOMB_BYTES, gzip: true } });

    // Act
    const small = await webhook.send({ url: fake.webhookUrl('s1') }, { title: 't', text: 'a' }).then(() => 'read');
    const bomb = await webhook.send({ url: fake.webhookUrl('s1') }, { title: 't', text: 'b' }).catch((error: Error) => error.message);

    // Assess
    expect(wireBytes).toBeLessThan(DINGTALK_ANSWER_MAX_BYTES);
    expect(small).toBe('read');
    expect(bomb).toBe(`session webhook failed: the answer is larger than ${DINGTALK_ANSWER_MAX_BYTES} bytes`);
  });
});
