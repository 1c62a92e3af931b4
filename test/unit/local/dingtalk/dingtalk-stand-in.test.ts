import {
  type DingTalkStandIn,
  type StandInEvent,
  STAND_IN_APP_KEY,
  STAND_IN_APP_SECRET,
  STAND_IN_CARD_TEMPLATE_ID,
  startDingTalkStandIn,
} from '../../../../local/dingtalk/dingtalk-stand-in';

let standIn: DingTalkStandIn;
let events: StandInEvent[];
let unsubscribe: () => void;

beforeEach(async () => {
  standIn = await startDingTalkStandIn();
  events = [];
  unsubscribe = standIn.subscribe((event) => events.push(event));
});
afterEach(() => standIn.close());

/** `target`: a path on the stand-in, or a whole URL it handed out (a session webhook). */
async function call(method: string, target: string, body: unknown, token?: string): Promise<number> {
  const response = await fetch(target.startsWith('http') ? target : `${standIn.url}${target}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { 'x-acs-dingtalk-access-token': token } : {}) },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

async function accessToken(): Promise<string> {
  const response = await fetch(`${standIn.url}/v1.0/oauth2/accessToken`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ appKey: STAND_IN_APP_KEY, appSecret: STAND_IN_APP_SECRET }),
  });
  return ((await response.json()) as { accessToken: string }).accessToken;
}

const createCard = (outTrackId: string, token: string): Promise<number> =>
  call(
    'POST',
    '/v1.0/card/instances/createAndDeliver',
    {
      cardTemplateId: STAND_IN_CARD_TEMPLATE_ID,
      outTrackId,
      callbackType: 'STREAM',
      cardData: { cardParamMap: { content: '', flowStatus: '1' } },
      openSpaceId: 'dtv1.card//IM_ROBOT.zhangsan',
      imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT' },
    },
    token,
  );

const stream = (outTrackId: string, content: string, isFinalize: boolean, token: string): Promise<number> =>
  call('PUT', '/v1.0/card/streaming', { outTrackId, guid: `g-${content}`, key: 'content', content, isFull: true, isFinalize, isError: false }, token);

describe('DingTalk stand-in subscribe', () => {
  it('tells a listener about a delivered webhook message', async () => {
    const status = await call('POST', standIn.webhookUrl('s-1'), {
      msgtype: 'markdown',
      markdown: { title: '回复', text: '你好 / hello' },
    });

    expect(status).toBe(200);
    expect(events).toEqual([
      { kind: 'message', message: { via: 'webhook', session: 's-1', title: '回复', text: '你好 / hello' }, at: expect.any(Number) },
    ]);
  });

  it('reports a card after create, each streaming update and the finalize, with its state at that moment', async () => {
    const token = await accessToken();
    await createCard('card-1', token);
    await stream('card-1', '思考中…', false, token);
    await stream('card-1', '答案', true, token);

    const cardEvents = events.filter((event) => event.kind === 'card');
    expect(cardEvents.map((event) => [event.route, event.status, event.card.content, event.card.finalized])).toEqual([
      ['cardCreate', 200, '', false],
      ['cardStreaming', 200, '思考中…', false],
      ['cardStreaming', 200, '答案', true],
    ]);
    expect(cardEvents[0]?.card.openSpaceId).toBe('dtv1.card//IM_ROBOT.zhangsan');
  });

  it('skips a failed call about no known card but reports a failed call about a shown one', async () => {
    const token = await accessToken();
    expect(await stream('no-such-card', 'x', false, token)).toBe(400);
    await createCard('card-2', token);
    expect(await createCard('card-2', token)).toBe(400);

    expect(events.map((event) => (event.kind === 'card' ? [event.route, event.status] : event.kind))).toEqual([
      ['cardCreate', 200],
      ['cardCreate', 400],
    ]);
  });

  it('stops telling a listener once it unsubscribed', async () => {
    unsubscribe();
    const token = await accessToken();
    await createCard('card-3', token);

    expect(standIn.cards).toHaveLength(1);
    expect(events).toEqual([]);
  });
});

describe('DingTalk stand-in listening address', () => {
  it('listens on the host and port asked for', async () => {
    const probe = await startDingTalkStandIn();
    const port = Number(new URL(probe.url).port);
    await probe.close();

    const placed = await startDingTalkStandIn({ host: '127.0.0.1', port });
    try {
      expect(placed.url).toBe(`http://127.0.0.1:${port}`);
      expect(await fetch(`${placed.url}/no-such-api`).then((response) => response.status)).toBe(404);
    } finally {
      await placed.close();
    }
  });
});
