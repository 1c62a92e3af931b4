import axios from 'axios';
import { createCallMeter } from '../../../../../shared/channels/dingtalk/call-meter';
import { type AccessTokenProvider, createAccessTokenProvider } from '../../../../../shared/channels/dingtalk/access-token';
import {
  createOpenApiClient,
  RECIPIENT_FLOW_CONTROLLED,
  RECIPIENT_INVALID,
} from '../../../../../shared/channels/dingtalk/openapi-client';
import { DingTalkApiError } from '../../../../../shared/errors';
import { type DingTalkStandIn, type DingTalkStandInOptions, startDingTalkStandIn } from '../../../../../local/dingtalk/dingtalk-stand-in';

describe('createOpenApiClient', () => {
  const http = axios.create({ timeout: 5000 });
  let fake: DingTalkStandIn;
  let tokens: AccessTokenProvider;
  const count = (route: string): number => fake.requests.filter((request) => request.route === route).length;
  const start = async (options: DingTalkStandInOptions = {}): Promise<void> => {
    fake = await startDingTalkStandIn(options);
    tokens = createAccessTokenProvider({ http, apiBase: fake.url, appKey: fake.appKey, appSecret: fake.appSecret });
  };
  const client = () => createOpenApiClient({ http, apiBase: `${fake.url}/`, tokens });

  afterEach(() => fake.close());

  it('sends a 1:1 markdown message to the user with the access token header', async () => {
    // Prepare
    await start();
    const token = await tokens.get();

    // Act
    await client().sendToUser({ robotCode: fake.appKey, userId: 'user123', title: '天气', text: '**晴**，25°C' });

    // Assess
    expect(fake.messages).toEqual([
      { via: 'batchSend', userIds: ['user123'], robotCode: fake.appKey, title: '天气', text: '**晴**，25°C' },
    ]);
    const send = fake.requests.find((request) => request.route === 'batchSend');
    expect(send?.headers['x-acs-dingtalk-access-token']).toBe(token);
    expect(send?.body).toMatchObject({ msgKey: 'sampleMarkdown' });
  });

  it('sends a group markdown message to the conversation', async () => {
    // Prepare
    await start();

    // Act
    await client().sendToGroup({ robotCode: fake.appKey, conversationId: 'cidGroup==', title: '回复', text: 'hello' });

    // Assess
    expect(fake.messages).toEqual([
      { via: 'groupSend', conversationId: 'cidGroup==', robotCode: fake.appKey, title: '回复', text: 'hello' },
    ]);
  });

  it.each([401, 400] as const)('refreshes an expired token (HTTP %d InvalidAuthentication) and retries once', async (status) => {
    // Prepare
    await start({ authFailureStatus: status });
    const expired = await tokens.get();
    fake.expireTokens();

    // Act
    const meter = createCallMeter();
    await client().sendToUser({ robotCode: fake.appKey, userId: 'user123', title: 't', text: 'after refresh', meter });

    // Assess: the rejected send, the new token and the send again all cost the quota
    expect(meter.byEndpoint()).toEqual({ '/v1.0/robot/oToMessages/batchSend': 2, '/v1.0/oauth2/accessToken': 1 });
    expect(fake.messages.map((message) => message.text)).toEqual(['after refresh']);
    expect(count('token')).toBe(2);
    expect(count('batchSend')).toBe(2);
    const retried = fake.requests.filter((request) => request.route === 'batchSend').at(-1);
    expect(retried?.headers['x-acs-dingtalk-access-token']).not.toBe(expired);
  });

  it('gives up after one retry when DingTalk keeps rejecting the token', async () => {
    // Prepare
    await start();
    fake.failNext('groupSend', 5, { status: 401, body: { code: 'InvalidAuthentication', message: '不合法的access_token' } });

    // Act
    const error = await client()
      .sendToGroup({ robotCode: fake.appKey, conversationId: 'cid', title: 't', text: 'x' })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(DingTalkApiError);
    expect(error).toMatchObject({ status: 401, apiCode: 'InvalidAuthentication' });
    expect(count('groupSend')).toBe(2);
    expect(fake.messages).toEqual([]);
  });

  it('does not take a refused token request (a wrong app secret, 401) for an expired token', async () => {
    // Prepare
    await start();
    tokens = createAccessTokenProvider({ http, apiBase: fake.url, appKey: fake.appKey, appSecret: 'wrong-secret' });

    // Act
    const error = await client()
      .sendToGroup({ robotCode: fake.appKey, conversationId: 'cid', title: 't', text: 'x' })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ status: 401, apiCode: 'invalidClientSecret' });
    expect(count('token')).toBe(1);
    expect(count('groupSend')).toBe(0);
  });

  it.each([
    ['a message over the 15,000-byte msgParam limit', 'x'.repeat(15_100), 400, 'invalidParameter.msgParam.tooLong'],
  ])('reports %s with status and code, without retrying', async (_label, text, status, apiCode) => {
    // Prepare
    await start();

    // Act
    const error = await client()
      .sendToGroup({ robotCode: fake.appKey, conversationId: 'cid', title: 't', text })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ name: 'DingTalkApiError', status, apiCode });
    expect(count('groupSend')).toBe(1);
  });

  it('does not retry a server error, since DingTalk may already have delivered the message', async () => {
    // Prepare
    await start();
    fake.failNext('batchSend', 1, { status: 504, body: { code: 'GatewayTimeout' } });

    // Act
    const error = await client()
      .sendToUser({ robotCode: fake.appKey, userId: 'u', title: 't', text: 'x' })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ status: 504, apiCode: 'GatewayTimeout' });
    expect(count('batchSend')).toBe(1);
  });

  it('rejects an unknown robotCode with DingTalk code', async () => {
    // Prepare
    await start();

    // Act
    const error = await client()
      .sendToUser({ robotCode: 'someone-else', userId: 'u', title: 't', text: 'x' })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ status: 400, apiCode: 'invalidParameter.robotCode.notExsit' });
  });

  it('turns a dropped connection into DingTalkApiError without the token in it', async () => {
    // Prepare
    await start();
    const token = await tokens.get();
    fake.failNext('batchSend', 1, 'hangup');

    // Act
    const error = await client()
      .sendToUser({ robotCode: fake.appKey, userId: 'u', title: 't', text: 'x' })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(DingTalkApiError);
    expect((error as DingTalkApiError).message).not.toContain(token);
    expect((error as DingTalkApiError).cause).toBeUndefined();
    // The request was read before the hang-up, so DingTalk may have delivered it.
    expect(error).toMatchObject({ connection: 'lost-after-sending' });
  });

  it('fails a batchSend that lists the user in invalidStaffIdList, with the visible-range advice', async () => {
    // Prepare
    await start();
    fake.setRecipientProblem('user123', 'invalid');

    // Act
    const error = await client()
      .sendToUser({ robotCode: fake.appKey, userId: 'user123', title: 't', text: 'x' })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(DingTalkApiError);
    expect(error).toMatchObject({ status: 200, apiCode: RECIPIENT_INVALID });
    expect((error as Error).message).toContain('invalidStaffIdList');
    expect((error as Error).message).toContain("add the user to the app's visible range in the DingTalk developer console");
    expect(fake.messages).toEqual([]);
  });

  it('fails a batchSend that lists the user in flowControlledStaffIdList', async () => {
    // Prepare
    await start();
    fake.setRecipientProblem('user123', 'flowControlled');

    // Act
    const error = await client()
      .sendToUser({ robotCode: fake.appKey, userId: 'user123', title: 't', text: 'x' })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ name: 'DingTalkApiError', status: 200, apiCode: RECIPIENT_FLOW_CONTROLLED });
    expect((error as Error).message).toContain('flowControlledStaffIdList');
    expect(fake.messages).toEqual([]);
  });

  it('succeeds when only other staff ids are listed', async () => {
    // Prepare
    await start();
    fake.setRecipientProblem('someone-else', 'invalid');

    // Act
    await client().sendToUser({ robotCode: fake.appKey, userId: 'user123', title: 't', text: 'delivered' });

    // Assess
    expect(fake.messages.map((message) => message.text)).toEqual(['delivered']);
  });
});
