import { STAND_IN_CARD_CONTENT_KEY, STAND_IN_CARD_TEMPLATE_ID } from '../../local/dingtalk/dingtalk-stand-in';
import { startE2eStack, type E2eStack } from './e2e-stack';

const ok = (response: Response): void => expect(response.status).toBe(200);
const CARD_ENV = {
  DINGTALK_CARD_TEMPLATE_ID: STAND_IN_CARD_TEMPLATE_ID,
  DINGTALK_CARD_CONTENT_KEY: STAND_IN_CARD_CONTENT_KEY,
  CARD_UPDATE_INTERVAL_MS: '400',
  CARD_UPDATE_MIN_CHARS: '1',
};
const paragraph = (n: number): string => `第${n}段：${'流式输出的内容'.repeat(6)}。`;

describe('end to end: answers streamed into AI cards', () => {
  let e2e: E2eStack;
  beforeEach(async () => {
    e2e = await startE2eStack({ env: CARD_ENV });
  });
  afterEach(async () => {
    await e2e.close();
  });

  it('creates the card at once, streams the answer into it, then finalizes it with the whole answer', async () => {
    // Prepare: 30 deltas 50 ms apart, so the answer takes about 1.5 s to arrive
    const answer = Array.from({ length: 10 }, (_, n) => paragraph(n + 1)).join('\n\n');
    e2e.openai.enqueue({ text: answer, chunks: 30, chunkDelayMs: 50 });
    // Act
    ok(await e2e.send({ text: '请流式回答', group: true, user: 'staff-9' }));
    await e2e.drain();
    // Assess: the order of card calls
    const routes = e2e.dingtalk.cardCalls.map((call) => call.route);
    expect(routes[0]).toBe('cardCreate');
    expect(routes.slice(-2)).toEqual(['cardStreaming', 'cardInstance']);
    expect(new Set(routes.slice(1, -2))).toEqual(new Set(['cardStreaming']));
    expect(e2e.dingtalk.cardCalls.every((call) => call.status === 200)).toBe(true);
    // Assess: one card, in the group, @-ing the sender, holding the whole answer, finished; no markdown message
    const [card] = e2e.dingtalk.cards;
    expect(e2e.dingtalk.cards).toHaveLength(1);
    expect(card?.openSpaceId).toBe('dtv1.card//IM_GROUP.cidLocalGroup==');
    expect(card?.atUserIds).toEqual({ 'staff-9': 'staff-9' });
    expect(card?.content).toBe(answer);
    expect(card?.flowStatus).toBe('3');
    expect(card?.updates.at(-1)).toMatchObject({ content: answer, isFinalize: true, isError: false });
    expect(e2e.dingtalk.messages).toEqual([]);
    expect((await e2e.history('staff-9', true)).filter((record) => record.t === 'turn').map((turn) => turn.t === 'turn' && turn.assistant)).toEqual([answer]);
  });

  it('sends streaming updates no closer together than the configured interval', async () => {
    // Prepare: 1.5 s of streaming with a 400 ms interval and no growth minimum
    e2e.openai.enqueue({ text: '字'.repeat(600), chunks: 30, chunkDelayMs: 50 });
    // Act
    ok(await e2e.send({ text: '节流' }));
    await e2e.drain();
    // Assess
    const updates = e2e.dingtalk.cards[0]?.updates.filter((update) => !update.isFinalize) ?? [];
    const gaps = updates.slice(1).map((update, index) => update.at - (updates[index]?.at ?? 0));
    // Unthrottled, 30 deltas would mean about 30 updates 50 ms apart
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(updates.length).toBeLessThan(15);
    // Arrival times jitter around the send times on a busy machine; the throttle spaces the sends by the interval
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(300);
    expect(updates.map((update) => update.content.length)).toEqual([...updates.map((update) => update.content.length)].sort((a, b) => a - b));
  });

  it('gives the whole answer once as markdown when the card API fails mid-answer', async () => {
    // Prepare: the second streaming update hits DingTalk's QPS limit
    const answer = Array.from({ length: 6 }, (_, n) => paragraph(n + 1)).join('\n\n');
    e2e.openai.enqueue({ text: answer, chunks: 20, chunkDelayMs: 60 });
    e2e.dingtalk.failNext('cardStreaming', 1, { status: 403, body: { code: 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi', message: 'qps' } }, 1);
    // Act
    ok(await e2e.send({ text: '卡片中途失败' }));
    await e2e.drain();
    // Assess: the answer arrives exactly once, as markdown; the card no longer shows a partial answer
    expect(e2e.dingtalk.messages.map((message) => message.text).join('\n\n')).toBe(answer);
    expect(e2e.dingtalk.cards[0]?.content).not.toBe(answer);
    expect(e2e.dingtalk.cards[0]?.content).toContain('卡片更新失败');
    expect((await e2e.history()).filter((record) => record.t === 'turn')).toHaveLength(1);
  });

  it('finalizes the card with the error message when the model fails mid-stream', async () => {
    // Prepare: the model's connection drops after two deltas
    e2e.openai.enqueue({ text: '这是一个被打断的回答，后面还有很多内容。', chunks: 6, chunkDelayMs: 50, dropAfterChunks: 2 });
    // Act
    ok(await e2e.send({ text: '模型中途失败' }));
    await e2e.drain();
    // Assess
    const [card] = e2e.dingtalk.cards;
    expect(card?.content).toMatch(/⚠️/);
    expect(card?.flowStatus).toBe('5');
    expect(card?.finalized).toBe(true);
    expect(e2e.dingtalk.messages).toEqual([]);
    const records = await e2e.history();
    expect(records.filter((record) => record.t === 'turn')).toHaveLength(0);
    expect(records.filter((record) => record.t === 'done').map((record) => record.t === 'done' && record.kind)).toEqual([expect.stringMatching(/^MODEL_/)]);
  });

  it('continues a long answer in further cards, never past the safe size and never inside a code block', async () => {
    // Prepare: cards of at most 300 characters
    const code = ['```ts', ...Array.from({ length: 8 }, (_, n) => `const value${n} = ${n};`), '```'].join('\n');
    const answer = [paragraph(1), paragraph(2), code, paragraph(3), paragraph(4), paragraph(5), code, paragraph(6)].join('\n\n');
    const small = await startE2eStack({ env: { ...CARD_ENV, CARD_MAX_CHARS: '300' } });
    try {
      small.openai.enqueue({ text: answer, chunks: 12, chunkDelayMs: 30 });
      // Act
      ok(await small.send({ text: '长回答' }));
      await small.drain();
      // Assess
      const cards = small.dingtalk.cards;
      expect(cards.length).toBeGreaterThan(1);
      for (const card of cards) {
        expect(card.content.length).toBeLessThanOrEqual(300);
        expect(card.flowStatus).toBe('3');
        expect((card.content.match(/```/g) ?? []).length % 2).toBe(0);
      }
      const squash = (text: string): string => text.replace(/\s+/g, '');
      expect(squash(cards.map((card) => card.content).join(''))).toBe(squash(answer));
      expect(small.dingtalk.messages).toEqual([]);
    } finally {
      await small.close();
    }
  });

  it('after a worker crash mid-stream, the FC retry finishes the same card: one card, one answer, one turn', async () => {
    // Prepare: a slow stream, so the instance can be killed while the card is being filled
    e2e.openai.enqueue({ text: '慢'.repeat(200), chunks: 40, chunkDelayMs: 200 });
    // Act
    ok(await e2e.send({ text: '崩溃重试' }));
    await e2e.dingtalk.waitForCards((cards) => (cards[0]?.updates.length ?? 0) >= 1, 10_000);
    expect(await e2e.stack.crashWorker()).toBe(1);
    await e2e.drain();
    // Assess
    expect(e2e.workerResults.map((entry) => (entry.result.ok ? 'ok' : entry.result.kind))).toEqual(['crash', 'ok']);
    expect(e2e.dingtalk.cards).toHaveLength(1);
    expect(e2e.dingtalk.cards[0]?.content).toBe('回答：崩溃重试（共 2 条消息）');
    expect(e2e.dingtalk.cards[0]?.flowStatus).toBe('3');
    expect(e2e.dingtalk.messages).toEqual([]);
    expect((await e2e.history()).filter((record) => record.t === 'turn')).toHaveLength(1);
  });
});
