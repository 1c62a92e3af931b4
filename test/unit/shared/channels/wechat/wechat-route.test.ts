import { SERVICE_UNAVAILABLE } from '../../../../helpers/fake-wechat';
import { startWechatRig, WECHAT } from '../../../../helpers/wechat-rig';
import { STILL_GENERATING, welcomeText } from '../../../../../shared/channels/wechat/user-texts';
import { wechatTaskId } from '../../../../../shared/channels/wechat/wechat-route';

/** A refused request: a 4xx that handed nothing to the worker and touched no store. */
function expectRefusedWithoutWork(answer: { status: number } | 'dropped'): void {
  expect(answer).not.toBe('dropped');
  if (answer === 'dropped') return;
  expect(answer.status).toBeGreaterThanOrEqual(400);
  expect(answer.status).toBeLessThan(500);
  expect(rig?.handOvers).toEqual([]);
  expect(rig?.memory.calls).toEqual([]);
}

type Rig = Awaited<ReturnType<typeof startWechatRig>>;
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const echo = (afterMs: number) => (message: Record<string, unknown>) => ({ text: `答：${String(message['text'] ?? message['recognition'])}`, afterMs });

describe.each([['plaintext', false], ['safe mode', true]])('the /wechat route in %s', (_mode, safeMode) => {
  it('answers WeChat’s server-URL check with the echostr', async () => {
    // Prepare
    rig = await startWechatRig({ safeMode });
    // Act
    const check = await rig.platform().verifyUrl();
    // Assess
    expect(check.ok).toBe(true);
  });

  it('hands a text message to the worker and replies with the answer when it is ready within WeChat’s wait', async () => {
    // Prepare
    rig = await startWechatRig({ safeMode, answer: echo(50) });
    // Act
    const delivery = await rig.platform().send(WECHAT.user, { type: 'text', content: '你好 ]]> <b>', msgId: '7250021412600020992' });
    // Assess
    expect(delivery).toEqual({ seen: '答：你好 ]]> <b>', attempts: [200] });
    expect(rig.handOvers).toHaveLength(1);
    expect(rig.handOvers[0]?.taskId).toBe(wechatTaskId(WECHAT.appId, '7250021412600020992'));
    expect(rig.handOvers[0]?.payload).toMatchObject({
      channel: 'wechat',
      message: { kind: 'text', id: '7250021412600020992', account: WECHAT.account, user: WECHAT.user, text: '你好 ]]> <b>' },
    });
  });

  it('lets WeChat retry while the answer is not ready, and answers the retry of the same MsgId', async () => {
    // Prepare: the answer is written after WeChat dropped the first request
    rig = await startWechatRig({ safeMode, answer: echo(650) });
    // Act
    const delivery = await rig.platform().send(WECHAT.user, { type: 'text', content: '慢一点的问题' });
    // Assess
    expect(delivery).toEqual({ seen: '答：慢一点的问题', attempts: ['dropped', 200] });
    expect(new Set(rig.handOvers.map((handOver) => handOver.taskId)).size).toBe(1);
  });
});

describe('the /wechat route when the answer is late (passive mode)', () => {
  it('tells the user on WeChat’s last request to send 继续, then serves a long answer part by part', async () => {
    // Prepare: an answer of three parts, ready only after WeChat’s three requests
    const long = ['第一段', '第二段', '第三段'].map((head) => `${head}：${'很长的内容。'.repeat(100)}`).join('\n\n');
    rig = await startWechatRig({ answer: (message) => (message['text'] === '继续' ? undefined : { text: long, afterMs: 1500 }) });
    const platform = rig.platform();
    // Act
    const first = await platform.send(WECHAT.user, { type: 'text', content: '写一篇长文' });
    const parts = [];
    for (let index = 0; index < 4; index += 1) parts.push(await platform.send(WECHAT.user, { type: 'text', content: '继续' }));
    // Assess
    expect(first).toEqual({ seen: STILL_GENERATING, attempts: ['dropped', 'dropped', 200] });
    expect(parts[0]?.seen).toMatch(/^第一段：.*（第 1\/3 段，发送“继续”查看下一段）$/s);
    expect(parts[1]?.seen).toMatch(/^第二段：.*（第 2\/3 段/s);
    expect(parts[2]?.seen).toMatch(/^第三段：[^（]*$/s);
    for (const part of parts.slice(0, 3)) expect(Buffer.byteLength(part.seen ?? '', 'utf8')).toBeLessThanOrEqual(2000);
    // WeChat's retries are handed over once; once every part was served, 继续 is an ordinary message again.
    expect(rig.handOvers.map((handOver) => (handOver.payload['message'] as { text: string }).text)).toEqual(['写一篇长文', '继续']);
  });

  it('gives a retried 继续 the same part, not the next one', async () => {
    // Prepare
    const long = `${'甲'.repeat(600)}\n\n${'乙'.repeat(600)}\n\n${'丙'.repeat(600)}`;
    rig = await startWechatRig({ answer: () => ({ text: long, afterMs: 0 }) });
    const platform = rig.platform();
    await platform.send(WECHAT.user, { type: 'text', content: '长回答', msgId: '1001' });
    const xml = platform.messageXml(WECHAT.user, { type: 'text', content: '继续', msgId: '1002' }, Math.floor(Date.now() / 1000));
    // Act: WeChat sends the same 继续 twice (our first answer was lost on the way)
    const once = await platform.post(platform.signedRequest(xml).query, xml);
    const again = await platform.post(platform.signedRequest(xml).query, xml);
    const next = await platform.send(WECHAT.user, { type: 'text', content: '继续', msgId: '1003' });
    // Assess
    // The same part both times; the reply's CreateTime is the time of each answer, so only the content is compared.
    const contentOf = (answer: typeof once) => (answer === 'dropped' ? 'dropped' : /<Content><!\[CDATA\[([\s\S]*)\]\]><\/Content>/.exec(answer.body)?.[1]);
    expect(once).not.toBe('dropped');
    expect(contentOf(again)).toEqual(contentOf(once));
    expect(contentOf(once)).toContain('乙');
    expect(next.seen).toMatch(/^丙+$/);
  });

  it('reads the user’s log once per request and the answer once when it is ready', async () => {
    // Prepare: an answer of two parts is already stored when WeChat’s request comes
    rig = await startWechatRig();
    const now = Math.floor(Date.now() / 1000);
    await rig.worker.open({ kind: 'text', id: '4001', account: WECHAT.account, user: WECHAT.user, createTime: now, text: '问' }).reply(`${'甲'.repeat(600)}\n\n${'乙'.repeat(600)}`);
    const platform = rig.platform();
    const before = rig.memory.calls.length;
    // Act
    const first = await platform.send(WECHAT.user, { type: 'text', content: '问', msgId: '4001' });
    const middle = rig.memory.calls.length;
    const next = await platform.send(WECHAT.user, { type: 'text', content: '继续', msgId: '4002' });
    // Assess: log read, seen noted, answer read, part noted at the length already known
    expect([first.seen?.[0], next.seen?.[0]]).toEqual(['甲', '乙']);
    expect(rig.memory.calls.slice(before, middle)).toEqual(['readAll', 'append', 'readAll', 'append']);
    expect(rig.memory.calls.slice(middle)).toEqual(['readAll', 'readAll', 'append', 'append']);
  });

  it('serves a 继续 sent just after China midnight the answer noted in the day before’s log', async () => {
    // Prepare: a two-part answer to a message created ten seconds before China midnight, its first part served
    rig = await startWechatRig();
    const nowS = Math.floor(Date.now() / 1000);
    const midnight = Math.floor((nowS + 8 * 3600) / 86_400) * 86_400 - 8 * 3600;
    const platform = rig.platform();
    await rig.worker.open({ kind: 'text', id: '6001', account: WECHAT.account, user: WECHAT.user, createTime: midnight - 10, text: '问' }).reply(`${'甲'.repeat(600)}\n\n${'乙'.repeat(600)}`);
    const post = async (content: string, msgId: string, createTime: number) => {
      const xml = platform.messageXml(WECHAT.user, { type: 'text', content, msgId }, createTime);
      const answer = await platform.post(platform.signedRequest(xml).query, xml);
      return answer === 'dropped' ? 'dropped' : /<Content><!\[CDATA\[([\s\S]*?)\]\]><\/Content>/.exec(answer.body)?.[1];
    };
    const first = await post('问', '6001', midnight - 10);
    // Act: the 继续 is created five seconds into the new day
    const next = await post('继续', '6002', midnight + 5);
    // Assess
    expect(first?.[0]).toBe('甲');
    expect(next).toMatch(/^乙+$/);
    expect(rig.handOvers.map((handOver) => (handOver.payload['message'] as { id: string }).id)).toEqual(['6001']);
  });

  it('greets a new follower with the help command and hands nothing over', async () => {
    // Prepare
    rig = await startWechatRig();
    // Act
    const delivery = await rig.platform().send(WECHAT.user, { type: 'event', event: 'subscribe' });
    // Assess
    expect(delivery.seen).toBe(welcomeText('帮助'));
    expect(delivery.seen).toContain('帮助');
    expect(rig.handOvers).toEqual([]);
  });

  it('hands over a voice message with its recognition text, and one without it for the worker to explain', async () => {
    // Prepare
    rig = await startWechatRig({ answer: echo(0) });
    // Act
    const heard = await rig.platform().send(WECHAT.user, { type: 'voice', recognition: '今天天气怎么样' });
    await rig.platform({ requests: 1 }).send(WECHAT.user, { type: 'voice' });
    // Assess
    expect(heard.seen).toBe('答：今天天气怎么样');
    expect(rig.handOvers.map((handOver) => handOver.payload['message'])).toEqual([
      expect.objectContaining({ kind: 'voice', recognition: '今天天气怎么样' }),
      expect.not.objectContaining({ recognition: expect.anything() }),
    ]);
  });
});

describe.each([['passive', false], ['customer-service', true]])('the /wechat route when a user unfollows (%s mode)', (_mode, customerService) => {
  it('hands the unfollow to the worker, which deletes the user’s data, and answers success at once', async () => {
    // Prepare
    rig = await startWechatRig({ customerService });
    // Act
    const delivery = await rig.platform().send(WECHAT.user, { type: 'event', event: 'unsubscribe' });
    // Assess: one request answered with `success`, no wait for an answer in the store
    expect(delivery).toEqual({ seen: undefined, attempts: [200] });
    expect(rig.handOvers).toHaveLength(1);
    const message = rig.handOvers[0]?.payload['message'] as { createTime: number };
    const eventId = `${WECHAT.user}:${message.createTime}`;
    expect(rig.handOvers[0]?.taskId).toBe(wechatTaskId(WECHAT.appId, eventId));
    expect(rig.handOvers[0]?.payload).toMatchObject({ channel: 'wechat', message: { kind: 'event', event: 'unsubscribe', id: eventId, user: WECHAT.user } });
    expect(rig.memory.calls).toEqual([]);
  });
});

describe('the /wechat route against a captured plaintext query', () => {
  const now = () => Math.floor(Date.now() / 1000);

  it.each([['passive', false], ['customer-service', true]])('%s: refuses another body under it with 403 SIGNATURE_REUSED, handing nothing over and writing nothing but the guard', async (_mode, customerService) => {
    // Prepare: a genuine message went through; its query was seen (an access log on port 80)
    rig = await startWechatRig({ customerService, ...(customerService ? {} : { answer: echo(0) }) });
    const platform = rig.platform();
    const genuine = platform.messageXml(WECHAT.user, { type: 'text', content: '你好', msgId: '2001' }, now());
    const { query } = platform.signedRequest(genuine);
    expect(await platform.post(query, genuine)).toMatchObject({ status: 200 });
    const handedOver = rig.handOvers.length;
    const storeCalls = rig.memory.calls.length;
    const ossWrites = rig.oss.requests.length;
    // Act: the same query with bodies of the attacker's choosing: another user and MsgId, the same MsgId with other
    // text, an unsubscribe event, and the signature's hex in upper case (still a valid signature)
    const forged = [
      platform.messageXml('oVictim-0002', { type: 'text', content: '把聊天记录发出来', msgId: '2002' }, now()),
      platform.messageXml(WECHAT.user, { type: 'text', content: '另一段话', msgId: '2001' }, now()),
      platform.messageXml('oVictim-0002', { type: 'event', event: 'unsubscribe' }, now()),
    ];
    const answers: Awaited<ReturnType<typeof platform.post>>[] = [];
    for (const body of forged) answers.push(await platform.post(query, body));
    answers.push(await platform.post({ ...query, signature: (query['signature'] ?? '').toUpperCase() }, forged[0] ?? ''));
    // Assess
    for (const answer of answers) {
      expect(answer).not.toBe('dropped');
      if (answer === 'dropped') continue;
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body)).toMatchObject({ error: 'SIGNATURE_REUSED' });
    }
    expect(rig.handOvers).toHaveLength(handedOver);
    expect(rig.memory.calls).toHaveLength(storeCalls);
    // Each refusal cost the guard's append (409) and one read of its record, and wrote nothing.
    expect(rig.oss.requests.slice(ossWrites).map((request) => `${request.operation} ${request.status}`)).toEqual(Array(answers.length).fill(['AppendObject 409', 'GetObject 200']).flat());
  });

  it('still answers WeChat’s identical retry of a message under the same query', async () => {
    // Prepare: the answer is written after WeChat dropped the first request
    rig = await startWechatRig({ answer: echo(650) });
    const platform = rig.platform();
    const xml = platform.messageXml(WECHAT.user, { type: 'text', content: '慢一点的问题', msgId: '3001' }, now());
    const { query } = platform.signedRequest(xml);
    // Act
    const first = await platform.post(query, xml);
    const retry = await platform.post(query, xml);
    // Assess
    expect(first).toBe('dropped');
    expect(retry).toMatchObject({ status: 200, body: expect.stringContaining('答：慢一点的问题') });
    expect(new Set(rig.handOvers.map((handOver) => handOver.taskId)).size).toBe(1);
  });

  it('in safe mode, checks no pair: msg_signature covers the body', async () => {
    // Prepare
    rig = await startWechatRig({ safeMode: true, answer: echo(0) });
    // Act
    const delivery = await rig.platform().send(WECHAT.user, { type: 'text', content: '你好' });
    // Assess
    expect(delivery.seen).toBe('答：你好');
    expect(rig.oss.requests).toEqual([]);
  });
});

describe('the /wechat route in customer-service mode', () => {
  it('answers success at once and leaves the answer to the worker', async () => {
    // Prepare
    rig = await startWechatRig({ customerService: true });
    // Act
    const delivery = await rig.platform().send(WECHAT.user, { type: 'text', content: '你好' });
    // Assess
    expect(delivery).toEqual({ seen: undefined, attempts: [200] });
    expect(rig.handOvers).toHaveLength(1);
    expect(rig.memory.calls).toEqual([]);
  });
});

describe('the /wechat route refuses bad input with a 4xx, changing nothing', () => {
  const cases: [string, (platform: ReturnType<Rig['platform']>) => Promise<{ status: number; body: string } | 'dropped'>][] = [
    ['a wrong signature', async (platform) => {
      const xml = platform.messageXml(WECHAT.user, { type: 'text', content: 'x' }, Math.floor(Date.now() / 1000));
      const { query } = platform.signedRequest(xml);
      return platform.post({ ...query, signature: 'f'.repeat(40) }, xml);
    }],
    ['no signature', async (platform) => platform.post({}, platform.messageXml(WECHAT.user, { type: 'text', content: 'x' }, 1))],
    ['a stale timestamp', async (platform) => {
      const xml = platform.messageXml(WECHAT.user, { type: 'text', content: 'x' }, 1);
      const old = rigPlatform({ now: () => Date.now() - 3600_000 });
      return platform.post(old.signedRequest(xml).query, xml);
    }],
    ['malformed XML', async (platform) => platform.post(platform.signedRequest('').query, '<xml><ToUserName>a</FromUserName>')],
    ['XML with a document type', async (platform) => {
      const body = '<!DOCTYPE xml [<!ENTITY a "aaaa">]><xml><ToUserName>&a;</ToUserName></xml>';
      return platform.post(platform.signedRequest('').query, body);
    }],
    ['a message without MsgId', async (platform) => {
      const xml = platform.messageXml(WECHAT.user, { type: 'text', content: 'x' }, Math.floor(Date.now() / 1000)).replace(/<MsgId>.*<\/MsgId>/, '');
      return platform.post(platform.signedRequest(xml).query, xml);
    }],
    ['an oversized body', async (platform) => {
      const xml = platform.messageXml(WECHAT.user, { type: 'text', content: '长'.repeat(7000) }, Math.floor(Date.now() / 1000));
      return platform.post(platform.signedRequest(xml).query, xml);
    }],
    ['a PUT', async (platform) => platform.post(platform.signedRequest('').query, '', 'PUT')],
  ];
  let rigPlatform: Rig['platform'];

  it.each(cases)('plaintext: %s', async (_name, attack) => {
    // Prepare
    rig = await startWechatRig({ answer: echo(0) });
    rigPlatform = rig.platform;
    // Act
    const answer = await attack(rig.platform());
    // Assess
    expectRefusedWithoutWork(answer);
  });

  const safeCases: [string, (platform: ReturnType<Rig['platform']>, other: ReturnType<Rig['platform']>) => Promise<{ status: number; body: string } | 'dropped'>][] = [
    ['a message sealed for another AppID', async (_platform, other) => {
      const xml = other.messageXml(WECHAT.user, { type: 'text', content: 'x' }, Math.floor(Date.now() / 1000));
      const { query, body } = other.signedRequest(xml);
      return other.post(query, body);
    }],
    ['a wrong msg_signature', async (platform) => {
      const { query, body } = platform.signedRequest(platform.messageXml(WECHAT.user, { type: 'text', content: 'x' }, Math.floor(Date.now() / 1000)));
      return platform.post({ ...query, msg_signature: '0'.repeat(40) }, body);
    }],
    ['a plaintext body on a safe-mode account', async (platform) => {
      const xml = platform.messageXml(WECHAT.user, { type: 'text', content: 'x' }, Math.floor(Date.now() / 1000));
      const { query } = platform.signedRequest(xml);
      const { encrypt_type: _type, msg_signature: _signature, ...plain } = query;
      return platform.post(plain, xml);
    }],
    ['ciphertext that is not AES output', async (platform) => {
      const body = '<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[bm90IGFlcw==]]></Encrypt></xml>';
      const { query } = platform.signedRequest('');
      const { getSignature } = await import('@wecom/crypto');
      return platform.post({ ...query, msg_signature: getSignature(WECHAT.token, query['timestamp'] ?? '', query['nonce'] ?? '', 'bm90IGFlcw==') }, body);
    }],
  ];

  it.each(safeCases)('safe mode: %s', async (_name, attack) => {
    // Prepare
    rig = await startWechatRig({ safeMode: true, answer: echo(0) });
    const other = rig.platform({ appId: 'wxffffffffffffffff' });
    // Act
    const answer = await attack(rig.platform(), other);
    // Assess
    expectRefusedWithoutWork(answer);
  });

  it('a reply the platform cannot verify is what the fake WeChat rejects', async () => {
    // Prepare: the route seals with the right key; a platform holding another key must refuse its reply
    rig = await startWechatRig({ safeMode: true, answer: echo(0) });
    const wrongToken = rig.platform({ token: 'otherToken999' });
    // Act
    const delivery = await wrongToken.send(WECHAT.user, { type: 'text', content: 'x' });
    // Assess: the route refuses the request signed with another token, and WeChat shows its failure notice
    expect(delivery.seen).toBe(SERVICE_UNAVAILABLE);
    expect(delivery.rejected).toBe('HTTP 401');
  });
});
