import type { DingTalkMessage } from '../../../../shared/channels/dingtalk/schema';
import { ModelError } from '../../../../shared/errors';
import type { TurnRecord } from '../../../../shared/history/records';
import type { StreamProgress } from '../../../../shared/model/chat-model';
import { answerInCard } from '../../../../shared/cards/card-answer';
import { CARD_COOLDOWN_MS, createCardGate } from '../../../../shared/cards/card-gate';
import { chatTurn } from '../../../../shared/turn/chat-turn';
import type { CardSettings } from '../../../../shared/turn/turn-dependencies';
import { CARD_FALLBACK_NOTE, CARD_PLACEHOLDER, errorText, REASONING_TITLE } from '../../../../shared/turn/user-messages';
import { createWorkerEvent } from '../../../helpers/builders';
import { type CardClientCall, createFakeCardClient } from '../../../helpers/fake-card-client';
import { createFakeChatModel, type FakeChatModelOptions } from '../../../helpers/fake-chat-model';
import { recordsFor } from '../../../../shared/turn/turn-records';
import { createTurnDependencies, TEST_NOW, viewOf } from '../../../helpers/turn-dependencies';
import { createWorkerSettings } from '../../../helpers/worker-settings';

/** No throttling: every update goes out as soon as the previous card call is done. */
const FAST_CARD: CardSettings = { minIntervalMs: 0, minGrowthChars: 1, maxChars: 3000 };
const ANSWER = '你好，我是助手。';
const STREAMED: StreamProgress[] = [
  { answer: '你好，', reasoning: '' },
  { answer: '你好，我是', reasoning: '' },
];

interface SetupOptions {
  model?: FakeChatModelOptions;
  failWhen?: (call: CardClientCall, index: number) => boolean;
  card?: CardSettings | undefined;
  showReasoning?: boolean;
  withCards?: boolean;
}

function setup(options: SetupOptions = {}) {
  let clock = TEST_NOW;
  const now = (): number => clock;
  const fakeModel = createFakeChatModel({ text: ANSWER, progress: STREAMED, ...options.model });
  const fakeCards = createFakeCardClient(options.failWhen ? { failWhen: options.failWhen } : {});
  const gate = createCardGate({ now, cooldownMs: CARD_COOLDOWN_MS });
  const settings = createWorkerSettings({
    card: 'card' in options ? options.card : FAST_CARD,
    showReasoning: options.showReasoning ?? false,
  });
  const deps = createTurnDependencies({
    settings,
    model: fakeModel.model,
    cards: options.withCards === false ? undefined : { client: fakeCards.client, gate },
    now,
  });
  const request = { messages: [{ role: 'user' as const, content: '你好' }], model: 'model-a', timeoutMs: 30_000 };
  return {
    deps,
    gate,
    requests: fakeModel.requests,
    calls: fakeCards.calls,
    finished: fakeCards.finished,
    request,
    model: fakeModel.model,
    advance: (ms: number) => (clock += ms),
  };
}

const event = (message: Partial<DingTalkMessage> = {}) => createWorkerEvent({ msgId: 'm1', ...message });
const summary = (calls: readonly CardClientCall[]) =>
  calls.map((call) => `${call.method}${call.finalize ? '(final)' : ''}${call.failed ? '(failed)' : ''}: ${call.content}`);

describe('answerInCard', () => {
  describe('when no card can be used, leaves the answer to markdown', () => {
    it.each([
      ['cards are not configured', { withCards: false }],
      ['the card settings are unset', { card: undefined }],
    ] satisfies Array<[string, SetupOptions]>)('when %s', async (_name, options) => {
      // Prepare
      const { deps, calls, requests, request, model } = setup(options);
      // Act
      const outcome = await answerInCard(request, model, deps.open(event()), false, deps);
      const answer = await chatTurn({ text: '你好', images: [] }, viewOf(), deps.open(event()), false, deps);
      // Assess
      expect(outcome).toBeUndefined();
      expect(calls).toEqual([]);
      expect(requests).toHaveLength(1);
      expect(requests[0]?.onProgress).toBeUndefined();
      expect(answer).toMatchObject({ text: ANSWER, delivered: false });
    });

    it('while the gate cools down after a card failure, and tries cards again once it is over', async () => {
      // Prepare
      const { deps, gate, calls, requests, advance } = setup();
      gate.trip();
      // Act
      const during = await chatTurn({ text: '你好', images: [] }, viewOf(), deps.open(event()), false, deps);
      const callsDuring = calls.length;
      advance(CARD_COOLDOWN_MS);
      const after = await chatTurn({ text: '你好', images: [] }, viewOf(), deps.open(event({ msgId: 'm2' })), false, deps);
      // Assess
      expect(during).toMatchObject({ text: ANSWER, delivered: false });
      expect(requests[0]?.onProgress).toBeUndefined();
      expect(callsDuring).toBe(0);
      expect(after).toMatchObject({ text: '', delivered: true });
    });

    it('in a 1:1 chat whose sender has no staff id (a card needs one), without closing the gate', async () => {
      // Prepare
      const { deps, gate, calls, request, model } = setup();
      // Act
      const outcome = await answerInCard(request, model, deps.open(event({ conversationType: '1', senderStaffId: undefined })), false, deps);
      // Assess
      expect(outcome).toBeUndefined();
      expect(calls).toEqual([]);
      expect(gate.isOpen()).toBe(true);
    });
  });

  it('uses a card in a group even when the sender has no staff id', async () => {
    // Prepare
    const { deps, calls, request, model } = setup();
    // Act
    const outcome = await answerInCard(request, model, deps.open(event({ conversationType: '2', senderStaffId: undefined })), false, deps);
    // Assess
    expect(outcome).toMatchObject({ kind: 'answered', remainder: '' });
    expect(calls[0]?.method).toBe('create');
  });

  it('closes the gate and leaves the answer to markdown when the card cannot be created', async () => {
    // Prepare
    const { deps, gate, calls, requests } = setup({ failWhen: (call) => call.method === 'create' });
    // Act
    const answer = await chatTurn({ text: '你好', images: [] }, viewOf(), deps.open(event()), false, deps);
    // Assess
    expect(gate.isOpen()).toBe(false);
    expect(calls.map((call) => call.method)).toEqual(['create', 'stream', 'finish']);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.onProgress).toBeUndefined();
    expect(answer).toMatchObject({ text: ANSWER, delivered: false });
    expect(answer.build(viewOf())[0]).toMatchObject({ t: 'turn', assistant: ANSWER });
  });

  it('shows a placeholder at once, streams the answer into the card as it grows, and finalizes it', async () => {
    // Prepare
    const { deps, gate, calls } = setup();
    // Act
    const answer = await chatTurn({ text: '你好', images: [] }, viewOf(), deps.open(event()), false, deps);
    // Assess
    expect(summary(calls)).toEqual([
      `create: ${CARD_PLACEHOLDER}`,
      'stream: 你好，',
      'stream: 你好，我是',
      `stream(final): ${ANSWER}`,
      `finish: ${ANSWER}`,
    ]);
    expect(new Set(calls.map((call) => call.outTrackId)).size).toBe(1);
    expect(answer).toMatchObject({ text: '', delivered: true });
    expect(answer.build(viewOf())[0]).toMatchObject({ t: 'turn', id: 'm1', user: '你好', assistant: ANSWER });
    expect(gate.isOpen()).toBe(true);
  });

  it('ends the final card with the note about pictures left out, which history does not keep', async () => {
    // Prepare
    const { deps, calls, request, model } = setup();
    const note = '（注：消息里有 20 张图片，只读取了前 4 张。）';
    // Act
    const outcome = await answerInCard(request, model, deps.open(event()), false, deps, note);
    // Assess
    expect(summary(calls).slice(-2)).toEqual([`stream(final): ${ANSWER}\n\n${note}`, `finish: ${ANSWER}\n\n${note}`]);
    expect(outcome).toMatchObject({ kind: 'answered', remainder: '', completion: { text: ANSWER } });
  });

  it('addresses the same card when FC retries the same message, and another for another message', async () => {
    // Prepare
    const first = setup();
    const retry = setup();
    const other = setup();
    // Act
    await answerInCard(first.request, first.model, first.deps.open(event()), false, first.deps);
    await answerInCard(retry.request, retry.model, retry.deps.open(event()), true, retry.deps);
    await answerInCard(other.request, other.model, other.deps.open(event({ msgId: 'm2' })), false, other.deps);
    // Assess: the retry takes the card over by streaming into it rather than creating a second one
    expect(retry.calls[0]).toMatchObject({ method: 'stream', outTrackId: first.calls[0]?.outTrackId });
    expect(retry.calls.some((call) => call.method === 'create')).toBe(false);
    expect(other.calls[0]?.outTrackId).not.toBe(first.calls[0]?.outTrackId);
  });

  it('closes the gate, marks the card failed and leaves the whole answer to markdown when a card update fails', async () => {
    // Prepare
    const { deps, gate, calls, finished } = setup({ failWhen: (call) => call.method === 'stream' && call.finalize === false });
    // Act
    const answer = await chatTurn({ text: '你好', images: [] }, viewOf(), deps.open(event()), false, deps);
    // Assess
    expect(gate.isOpen()).toBe(false);
    expect(finished()).toEqual([{ content: CARD_FALLBACK_NOTE, failed: true }]);
    expect(calls.filter((call) => call.method === 'stream' && call.finalize === false)).toHaveLength(1);
    expect(answer).toMatchObject({ text: ANSWER, delivered: false });
    expect(answer.build(viewOf())[0]).toMatchObject({ t: 'turn', assistant: ANSWER });
  });

  it('leaves only what no finalized card shows to markdown when a further card cannot be created', async () => {
    // Prepare: two paragraphs that do not fit one 200-character card; creating the second card fails
    const first = `甲${'一'.repeat(149)}`;
    const second = `乙${'二'.repeat(149)}`;
    const { deps, gate, finished } = setup({
      model: { text: `${first}\n\n${second}`, progress: [] },
      card: { ...FAST_CARD, maxChars: 200 },
      failWhen: (call, index) => call.method === 'create' && index > 0,
    });
    // Act
    const answer = await chatTurn({ text: '写两段', images: [] }, viewOf(), deps.open(event()), false, deps);
    // Assess
    expect(finished()[0]).toEqual({ content: first, failed: false });
    expect(gate.isOpen()).toBe(false);
    expect(answer).toMatchObject({ text: second, delivered: false });
    expect(answer.build(viewOf())[0]).toMatchObject({ assistant: `${first}\n\n${second}` });
  });

  it.each([
    ['after part of the answer was shown', STREAMED, `你好，我是\n\n${errorText(new ModelError('MODEL_TIMEOUT', 'x'))}`],
    ['before anything was shown', [], errorText(new ModelError('MODEL_TIMEOUT', 'x'))],
  ])('puts the error into the card, finished as failed, when the model fails %s; the message is answered', async (_name, progress, cardText) => {
    // Prepare
    const { deps, gate, finished } = setup({ model: { progress, error: new ModelError('MODEL_TIMEOUT', 'upstream said: boom') } });
    // Act
    const answer = await chatTurn({ text: '你好', images: [] }, viewOf(), deps.open(event()), false, deps);
    // Assess
    expect(finished()).toEqual([{ content: cardText, failed: true }]);
    expect(cardText).toContain('超时');
    expect(answer).toMatchObject({ text: errorText(new ModelError('MODEL_TIMEOUT', 'x')), delivered: true });
    expect(recordsFor(answer, viewOf(), 64 * 1024)).toEqual([{ t: 'done', id: 'm1', at: TEST_NOW, kind: 'MODEL_TIMEOUT', reply: '' }]);
    expect(gate.isOpen()).toBe(true);
  });

  it('throws the model error, for a markdown error message, when the card cannot show it either', async () => {
    // Prepare
    const modelError = new ModelError('MODEL_RATE_LIMIT', 'slow down', 429);
    const { deps, gate } = setup({ model: { error: modelError }, failWhen: (call) => call.method !== 'create' });
    // Act / Assess
    await expect(chatTurn({ text: '你好', images: [] }, viewOf(), deps.open(event()), false, deps)).rejects.toBe(modelError);
    expect(gate.isOpen()).toBe(false);
  });

  it('shows the reasoning in the card when SHOW_REASONING is on, but remembers only the answer', async () => {
    // Prepare
    const { deps, calls } = setup({
      showReasoning: true,
      model: {
        text: '42',
        reasoning: '6 乘 7',
        progress: [
          { answer: '', reasoning: '6 乘' },
          { answer: '4', reasoning: '6 乘 7' },
        ],
      },
    });
    // Act
    const answer = await chatTurn({ text: '答案是？', images: [] }, viewOf(), deps.open(event()), false, deps);
    // Assess
    const shown = `> **${REASONING_TITLE}**\n>\n> 6 乘 7\n\n---\n\n42`;
    expect(summary(calls)).toEqual([
      `create: ${CARD_PLACEHOLDER}`,
      `stream: > **${REASONING_TITLE}**\n>\n> 6 乘`,
      `stream: > **${REASONING_TITLE}**\n>\n> 6 乘 7\n\n---\n\n4`,
      `stream(final): ${shown}`,
      `finish: ${shown}`,
    ]);
    expect(answer.delivered).toBe(true);
    expect((answer.build(viewOf())[0] as TurnRecord).assistant).toBe('42');
  });

  it('keeps the reasoning out of the card by default', async () => {
    // Prepare
    const { deps, finished } = setup({ model: { text: '42', reasoning: '6 乘 7', progress: [{ answer: '', reasoning: '6 乘' }] } });
    // Act
    await chatTurn({ text: '答案是？', images: [] }, viewOf(), deps.open(event()), false, deps);
    // Assess
    expect(finished()).toEqual([{ content: '42', failed: false }]);
  });

  it('gives the model only the time left after opening the card, so the reply reserve stays whole', async () => {
    // Prepare: creating the card takes 5 s of a 20 s budget with a 5 s reserve
    let clock = TEST_NOW;
    const fake = createFakeChatModel();
    const deps = createTurnDependencies({
      settings: createWorkerSettings({ card: { minIntervalMs: 0, minGrowthChars: 1, maxChars: 3000 } }),
      model: fake.model,
      now: () => clock,
      deadlineMs: TEST_NOW + 20_000,
      replyReserveMs: 5_000,
      cards: {
        gate: createCardGate({ now: () => clock, cooldownMs: 1 }),
        client: {
          create: async () => {
            clock += 5_000;
          },
          stream: async () => undefined,
          finish: async () => undefined,
        },
      },
    });
    // Act
    await chatTurn({ text: '你好', images: [] }, viewOf(), deps.open(createWorkerEvent()), false, deps);
    // Assess
    expect(fake.requests[0]?.timeoutMs).toBe(10_000);
  });
});
