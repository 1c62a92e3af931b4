import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { type AccessTokenProvider, createAccessTokenProvider } from '../../../../../shared/channels/dingtalk/access-token';
import {
  CARD_NO_RECIPIENT,
  CARD_NOT_DELIVERED,
  type CardClient,
  createCardClient,
} from '../../../../../shared/channels/dingtalk/card-client';
import type { DingTalkMessage } from '../../../../../shared/channels/dingtalk/schema';
import type { ApiLimitKind } from '../../../../../shared/controls/budget/card-step';
import { DingTalkApiError } from '../../../../../shared/errors';
import { createDingTalkMessage } from '../../../../helpers/builders';
import {
  STAND_IN_CARD_CONTENT_KEY,
  STAND_IN_CARD_TEMPLATE_ID,
  type DingTalkStandIn,
  type DingTalkStandInOptions,
  type StandInFailure,
  startDingTalkStandIn,
} from '../../../../../local/dingtalk/dingtalk-stand-in';

describe('createCardClient', () => {
  const http = axios.create({ timeout: 5000 });
  let fake: DingTalkStandIn;
  let tokens: AccessTokenProvider;
  const count = (route: string): number => fake.requests.filter((request) => request.route === route).length;
  const bodyOf = (route: string): Record<string, unknown> =>
    fake.requests.find((request) => request.route === route)?.body as Record<string, unknown>;
  const start = async (options: DingTalkStandInOptions = {}): Promise<void> => {
    fake = await startDingTalkStandIn(options);
    tokens = createAccessTokenProvider({ http, apiBase: fake.url, appKey: fake.appKey, appSecret: fake.appSecret });
  };
  const client = (overrides: { templateId?: string; contentKey?: string } = {}): CardClient =>
    createCardClient({
      http,
      apiBase: `${fake.url}/`,
      tokens,
      appKey: fake.appKey,
      templateId: overrides.templateId ?? STAND_IN_CARD_TEMPLATE_ID,
      contentKey: overrides.contentKey ?? STAND_IN_CARD_CONTENT_KEY,
    });
  const groupMessage = (): DingTalkMessage =>
    createDingTalkMessage({ conversationType: '2', conversationId: 'cidGroup==', robotCode: fake.appKey });
  const oneToOne = (): DingTalkMessage => createDingTalkMessage({ robotCode: fake.appKey });

  afterEach(() => fake.close());

  it('creates a group card in the processing state, @-mentioning the sender', async () => {
    // Prepare
    await start();
    const token = await tokens.get();

    // Act
    await client().create({ outTrackId: 'track-1', message: groupMessage(), content: '思考中…' });

    // Assess
    expect(fake.cards).toEqual([
      {
        outTrackId: 'track-1',
        templateId: STAND_IN_CARD_TEMPLATE_ID,
        openSpaceId: 'dtv1.card//IM_GROUP.cidGroup==',
        atUserIds: { 'staff-1': '张三' },
        content: '思考中…',
        flowStatus: '1',
        finalized: false,
        error: false,
        updates: [],
      },
    ]);
    expect(bodyOf('cardCreate')).toEqual({
      cardTemplateId: STAND_IN_CARD_TEMPLATE_ID,
      outTrackId: 'track-1',
      cardData: { cardParamMap: { content: '思考中…', flowStatus: '1' } },
      callbackType: 'STREAM',
      imGroupOpenSpaceModel: { supportForward: true },
      imRobotOpenSpaceModel: { supportForward: true },
      openSpaceId: 'dtv1.card//IM_GROUP.cidGroup==',
      imGroupOpenDeliverModel: { robotCode: fake.appKey, atUserIds: { 'staff-1': '张三' } },
    });
    const create = fake.requests.find((request) => request.route === 'cardCreate');
    expect(create?.headers['x-acs-dingtalk-access-token']).toBe(token);
  });

  it('delivers a group card with the app key as robotCode and no @ when the callback has neither', async () => {
    // Prepare
    await start();
    const message = groupMessage();
    delete message.robotCode;
    delete message.senderStaffId;

    // Act
    await client().create({ outTrackId: 'track-1', message, content: '' });

    // Assess
    expect(bodyOf('cardCreate')['imGroupOpenDeliverModel']).toEqual({ robotCode: fake.appKey });
    expect(fake.cards[0]).not.toHaveProperty('atUserIds');
  });

  it('creates a 1:1 card in the sender robot chat', async () => {
    // Prepare
    await start();

    // Act
    await client().create({ outTrackId: 'track-1', message: oneToOne(), content: '' });

    // Assess
    expect(fake.cards[0]).toMatchObject({ openSpaceId: 'dtv1.card//IM_ROBOT.staff-1', flowStatus: '1' });
    const body = bodyOf('cardCreate');
    expect(body['imRobotOpenDeliverModel']).toEqual({ spaceType: 'IM_ROBOT' });
    expect(body).not.toHaveProperty('imGroupOpenDeliverModel');
  });

  it('refuses a 1:1 card without senderStaffId before calling DingTalk', async () => {
    // Prepare
    await start();
    const message = oneToOne();
    delete message.senderStaffId;

    // Act
    const error = await client()
      .create({ outTrackId: 'track-1', message, content: '' })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(DingTalkApiError);
    expect(error).toMatchObject({ status: undefined, apiCode: CARD_NO_RECIPIENT });
    expect(fake.requests).toEqual([]);
  });

  it('fails a card DingTalk created but did not deliver (deliverResults success false), naming the reason', async () => {
    // Prepare
    await start();
    fake.setRecipientProblem('staff-1', 'invalid');

    // Act
    const error = await client()
      .create({ outTrackId: 'track-1', message: oneToOne(), content: '' })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(DingTalkApiError);
    expect(error).toMatchObject({ status: 200, apiCode: CARD_NOT_DELIVERED });
    expect((error as Error).message).toContain('IM_ROBOT: staffId not in the visible scope of the app');
    expect(fake.cards).toEqual([]);
  });

  it.each([
    ['success false without deliverResults', { success: false, result: { outTrackId: 'track-1' } }],
    ['a failed deliverResults entry', { success: true, result: { deliverResults: [{ spaceType: 'IM_GROUP', success: false, errorMsg: 'robot not in group' }] } }],
  ])('fails createAndDeliver answering %s', async (_label, body) => {
    // Prepare
    await start();
    fake.failNext('cardCreate', 1, { status: 200, body });

    // Act
    const error = await client()
      .create({ outTrackId: 'track-1', message: groupMessage(), content: '' })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ name: 'DingTalkApiError', apiCode: CARD_NOT_DELIVERED });
    expect((error as Error).message).toMatch(/^AI card was created but not delivered: (success false|IM_GROUP: robot not in group)/);
  });

  it('streams full snapshots, finalizes and finishes the card, in that order', async () => {
    // Prepare
    await start();
    const cards = client();
    await cards.create({ outTrackId: 'track-1', message: oneToOne(), content: '' });

    // Act
    await cards.stream({ outTrackId: 'track-1', content: '今天', finalize: false });
    await cards.stream({ outTrackId: 'track-1', content: '今天天气晴', finalize: false });
    await cards.stream({ outTrackId: 'track-1', content: '今天天气晴。', finalize: true });
    await cards.finish({ outTrackId: 'track-1', content: '今天天气晴。', failed: false });

    // Assess
    expect(fake.cards[0]).toMatchObject({ content: '今天天气晴。', flowStatus: '3', finalized: true, error: false });
    expect(fake.cards[0]?.updates.map(({ content, isFinalize }) => [content, isFinalize])).toEqual([
      ['今天', false],
      ['今天天气晴', false],
      ['今天天气晴。', true],
    ]);
    expect(fake.cardCalls.map(({ route, status }) => `${route} ${status}`)).toEqual([
      'cardCreate 200',
      'cardStreaming 200',
      'cardStreaming 200',
      'cardStreaming 200',
      'cardInstance 200',
    ]);
    const streams = fake.requests.filter((request) => request.route === 'cardStreaming');
    expect(streams[0]?.body).toEqual({
      outTrackId: 'track-1',
      guid: expect.any(String),
      key: STAND_IN_CARD_CONTENT_KEY,
      content: '今天',
      isFull: true,
      isFinalize: false,
      isError: false,
    });
    expect(new Set(streams.map((request) => (request.body as { guid: string }).guid)).size).toBe(3);
    expect(bodyOf('cardInstance')).toEqual({
      outTrackId: 'track-1',
      cardData: { cardParamMap: { content: '今天天气晴。', flowStatus: '3' } },
      cardUpdateOptions: { updateCardDataByKey: true },
    });
  });

  it('marks a failed card as failed (flowStatus 5) with an error stream', async () => {
    // Prepare
    await start();
    const cards = client();
    await cards.create({ outTrackId: 'track-1', message: groupMessage(), content: '' });

    // Act
    await cards.stream({ outTrackId: 'track-1', content: '抱歉，出错了', finalize: true, error: true });
    await cards.finish({ outTrackId: 'track-1', content: '抱歉，出错了', failed: true });

    // Assess
    expect(fake.cards[0]).toMatchObject({ content: '抱歉，出错了', flowStatus: '5', finalized: true });
    expect(fake.cards[0]?.error).toBe(true);
  });

  it.each([401, 400] as const)('refreshes an expired token (HTTP %d) and retries the call once', async (status) => {
    // Prepare
    await start({ authFailureStatus: status });
    const cards = client();
    await cards.create({ outTrackId: 'track-1', message: oneToOne(), content: '' });
    const expired = await tokens.get();
    fake.expireTokens();

    // Act
    await cards.stream({ outTrackId: 'track-1', content: 'after refresh', finalize: false });

    // Assess
    expect(fake.cards[0]?.content).toBe('after refresh');
    expect(count('token')).toBe(2);
    expect(fake.cardCalls.map((call) => call.status)).toEqual([200, status, 200]);
    const retried = fake.requests.filter((request) => request.route === 'cardStreaming').at(-1);
    expect(retried?.headers['x-acs-dingtalk-access-token']).not.toBe(expired);
  });

  const QPS_LIMIT = 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi';
  it.each<[string, StandInFailure, number | undefined, string | undefined, ApiLimitKind | undefined]>([
    ['403 QpsLimit', { status: 403, body: { code: QPS_LIMIT } }, 403, QPS_LIMIT, 'qps-limit'],
    ['errcode 90020 in a 200', { status: 200, body: { errcode: 90020, errmsg: 'api quota exceeded' } }, 200, '90020', 'quota-exhausted'],
    ['errcode 90020 in a 403', { status: 403, body: { errcode: 90020 } }, 403, '90020', 'quota-exhausted'],
    ['429', { status: 429, body: {} }, 429, undefined, undefined],
    ['403 permission denied', { status: 403, body: { code: 'Forbidden.AccessDenied.AccessTokenPermissionDenied' } }, 403, 'Forbidden.AccessDenied.AccessTokenPermissionDenied', undefined],
    ['500 unknownError', { status: 500, body: { code: 'unknownError' } }, 500, 'unknownError', undefined],
    ['504 gateway timeout', { status: 504, body: { code: 'GatewayTimeout' } }, 504, 'GatewayTimeout', undefined],
    ['a dropped connection', 'hangup', undefined, undefined, undefined],
  ])('reports %s with its status, code and limit, without retrying', async (_label, failure, status, apiCode, apiLimit) => {
    // Prepare
    await start();
    const cards = client();
    await cards.create({ outTrackId: 'track-1', message: oneToOne(), content: '' });
    fake.failNext('cardStreaming', 1, failure);

    // Act
    const error = await cards
      .stream({ outTrackId: 'track-1', content: 'x', finalize: false })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(DingTalkApiError);
    expect(error).toMatchObject({ status, apiCode, apiLimit });
    expect(count('cardStreaming')).toBe(1);
  });

  const PERMISSION_DENIED = 'Forbidden.AccessDenied.AccessTokenPermissionDenied';
  it.each<[string, () => CardClient, number, string]>([
    ['an unpublished template', () => client({ templateId: 'tpl-unknown.schema' }), 400, 'cardInstance.wrong'],
    [
      'a missing Card.Instance.Write permission',
      () => {
        fake.failNext('cardCreate', 1, { status: 403, body: { code: PERMISSION_DENIED } });
        return client();
      },
      403,
      PERMISSION_DENIED,
    ],
  ])('reports %s with its status and code', async (_label, makeClient, status, apiCode) => {
    // Prepare
    await start();
    const cards = makeClient();

    // Act
    const error = await cards
      .create({ outTrackId: 'track-1', message: oneToOne(), content: '' })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ name: 'DingTalkApiError', status, apiCode });
    expect(fake.cards).toEqual([]);
  });

  it('gets the 500 unknownError DingTalk answers for a streaming key the template does not bind', async () => {
    // Prepare
    await start();
    const cards = client({ contentKey: 'msgContent' });
    await cards.create({ outTrackId: 'track-1', message: oneToOne(), content: '' });

    // Act
    const error = await cards
      .stream({ outTrackId: 'track-1', content: 'x', finalize: false })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ status: 500, apiCode: 'unknownError' });
    expect(fake.cards[0]?.updates).toEqual([]);
  });

  it('rejects an update of a card that was never created', async () => {
    // Prepare
    await start();

    // Act
    const error = await client()
      .finish({ outTrackId: 'no-such-card', content: 'x', failed: false })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ status: 400, apiCode: 'cardInstance.notExist' });
  });

  it.each<[string, StandInFailure]>([
    ['a rejection', { status: 400, body: { code: 'param.contentUnsafe', message: '内容不安全' } }],
    ['a dropped connection', 'hangup'],
  ])('keeps the access token out of the error on %s', async (_label, failure) => {
    // Prepare
    await start();
    const token = await tokens.get();
    fake.failNext('cardCreate', 1, failure);

    // Act
    const error = await client()
      .create({ outTrackId: 'track-1', message: oneToOne(), content: '' })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(DingTalkApiError);
    expect((error as DingTalkApiError).message).not.toContain(token);
    expect((error as DingTalkApiError).cause).toBeUndefined();
    expect(JSON.stringify(error)).not.toContain(token);
  });
});

describe('card call bounds and error kinds', () => {
  let silent: Server | undefined;
  // Closed here rather than in the test, so a test that waits too long still ends, as a failure.
  afterEach(() => {
    silent?.closeAllConnections();
    silent?.close();
  });

  it('gives up on a card call that does not answer within timeoutMs, without trying again', async () => {
    // Prepare: a server that takes the request and never answers; the HTTP client itself has no timeout, so only the
    // card call's own bound can end the wait (were it ignored, this test would hang until Jest ends it)
    let requests = 0;
    silent = createServer(() => {
      requests += 1;
    });
    const server = silent;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const cards = createCardClient({
      http: axios.create(),
      apiBase: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      tokens: { get: async () => 'token-1', invalidate: () => undefined },
      appKey: 'app',
      templateId: STAND_IN_CARD_TEMPLATE_ID,
      contentKey: 'content',
      timeoutMs: 100,
    });

    // Act
    const error = await cards
      .stream({ outTrackId: 'track-1', content: 'x', finalize: false })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ name: 'DingTalkApiError', status: undefined });
    expect(String((error as Error).message)).toContain('ECONNABORTED');
    expect(requests).toBe(1);
  });
});
