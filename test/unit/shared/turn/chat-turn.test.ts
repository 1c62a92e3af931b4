import { estimateTokens } from '../../../../shared/history/estimate-tokens';
import type { HistoryRecord, TurnRecord } from '../../../../shared/history/records';
import { chatTurn, type ChatInput } from '../../../../shared/turn/chat-turn';
import { REASONING_TITLE, SETUP_HINT } from '../../../../shared/turn/user-messages';
import { createWorkerEvent } from '../../../helpers/builders';
import { createFakeChatModel, type FakeChatModelOptions } from '../../../helpers/fake-chat-model';
import { recordsFor } from '../../../../shared/turn/turn-records';
import { createTurnDependencies, TEST_NOW, viewOf } from '../../../helpers/turn-dependencies';
import { createImageFetcher, createWorkerSettings } from '../../../helpers/worker-settings';

const PNG_1 = 'data:image/png;base64,AAAA';
const PNG_2 = 'data:image/png;base64,BBBB';
const text = (content: string, images: string[] = []): ChatInput => ({ text: content, images });
const pastTurn = (id: string, fields: Partial<TurnRecord> = {}): TurnRecord => ({ t: 'turn', id, at: TEST_NOW - 60_000, user: `问${id}`, assistant: `答${id}`, ...fields });

function setup(options: { model?: FakeChatModelOptions; tailBytes?: number; showReasoning?: boolean; maxImages?: number } = {}) {
  const fake = createFakeChatModel(options.model);
  const images = createImageFetcher({ c1: PNG_1, c2: PNG_2 });
  const defaults = createWorkerSettings();
  const settings = createWorkerSettings({
    showReasoning: options.showReasoning ?? false,
    history: { ...defaults.history, tailBytes: options.tailBytes ?? defaults.history.tailBytes },
    images: { ...defaults.images, maxCount: options.maxImages ?? defaults.images.maxCount },
  });
  const deps = createTurnDependencies({ settings, model: fake.model, images });
  return { deps, requests: fake.requests, images };
}

const event = createWorkerEvent({ msgId: 'm1' });

describe('chatTurn', () => {
  it('answers with the model and records the turn for the next message', async () => {
    // Prepare
    const { deps, requests } = setup({ model: { text: '你好，有什么可以帮你？' } });
    // Act
    const answer = await chatTurn(text('你好'), viewOf([pastTurn('t1')]), deps.open(event), false, deps);
    // Assess
    expect(requests[0]?.messages).toEqual([
      { role: 'system', content: '你是助手' },
      { role: 'user', content: '问t1' },
      { role: 'assistant', content: '答t1' },
      { role: 'user', content: '你好' },
    ]);
    expect(answer.text).toBe('你好，有什么可以帮你？');
    expect(answer.delivered).toBe(false);
    expect(answer.build(viewOf())[0]).toMatchObject({ t: 'turn', id: 'm1', at: TEST_NOW, user: '你好', assistant: '你好，有什么可以帮你？', tokens: 15 });
    // What later prompts will count for it, worked out once now.
    expect(answer.build(viewOf())[0]).toMatchObject({ estimate: estimateTokens('你好') + estimateTokens('你好，有什么可以帮你？') });
  });

  it.each([
    ['the configured system prompt without a persona', [], '你是助手'],
    ['the persona instead of the system prompt', [{ t: 'state', id: 's', at: 1, persona: '你是海盗' }], '你是海盗'],
    ['the configured system prompt again after a reset', [{ t: 'state', id: 's', at: 1, persona: '你是海盗' }, { t: 'reset', id: 'r', at: 2 }], '你是助手'],
  ] satisfies Array<[string, HistoryRecord[], string]>)('sends %s', async (_name, records, systemPrompt) => {
    // Prepare
    const { deps, requests } = setup();
    // Act
    await chatTurn(text('你好'), viewOf(records), deps.open(event), false, deps);
    // Assess
    expect(requests[0]?.messages[0]).toEqual({ role: 'system', content: systemPrompt });
  });

  it.each([
    ['the configured model when none was chosen', [], 'model-a'],
    ['the conversation\'s chosen model', [{ t: 'state', id: 's', at: 1, model: 'model-b' }], 'model-b'],
    ['the configured model when the chosen one is no longer allowed', [{ t: 'state', id: 's', at: 1, model: 'retired' }], 'model-a'],
  ] satisfies Array<[string, HistoryRecord[], string]>)('asks %s', async (_name, records, model) => {
    // Prepare
    const { deps, requests } = setup();
    // Act
    const answer = await chatTurn(text('你好'), viewOf(records), deps.open(event), false, deps);
    // Assess
    expect(requests[0]?.model).toBe(model);
    expect(answer.build(viewOf())[0]).toMatchObject({ model });
  });

  it('refuses pictures for a model that cannot see them, without downloading them or calling the model', async () => {
    // Prepare
    const { deps, requests, images } = setup();
    // Act
    const answer = await chatTurn(text('这是什么', ['c1']), viewOf(), deps.open(event), false, deps);
    // Assess
    expect(answer.text).toContain('当前模型（model-a）不能识别图片');
    expect(answer.text).toContain('/model vision-c');
    expect(answer.build(viewOf())).toEqual([{ t: 'done', id: 'm1', at: TEST_NOW, kind: 'vision-unsupported' }]);
    expect(requests).toHaveLength(0);
    expect(images.fetched).toEqual([]);
  });

  it('sends pictures to a vision model as image parts after the text, and counts them in the turn record', async () => {
    // Prepare
    const { deps, requests, images } = setup({ model: { text: '一只猫和一只狗' } });
    const view = viewOf([{ t: 'state', id: 's', at: 1, model: 'vision-c' }]);
    // Act
    const answer = await chatTurn(text('这是什么', ['c1', 'c2']), view, deps.open(createWorkerEvent({ msgId: 'm1', msgtype: 'richText' })), false, deps);
    // Assess
    expect(images.fetched).toEqual(['c1', 'c2']);
    expect(requests[0]?.model).toBe('vision-c');
    expect(requests[0]?.messages.at(-1)).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: '这是什么' },
        { type: 'image', dataUrl: PNG_1 },
        { type: 'image', dataUrl: PNG_2 },
      ],
    });
    expect(answer.build(view)[0]).toMatchObject({ t: 'turn', user: '这是什么', assistant: '一只猫和一只狗', images: 2 });
  });

  it('tells the user under the answer which pictures it left out, but does not remember the note', async () => {
    // Prepare
    const { deps, requests, images } = setup({ model: { text: '一只猫' }, maxImages: 1 });
    const view = viewOf([{ t: 'state', id: 's', at: 1, model: 'vision-c' }]);
    // Act
    const answer = await chatTurn(text('这是什么', ['c1', 'c2']), view, deps.open(event), false, deps);
    // Assess
    expect(images.fetched).toEqual(['c1']);
    expect(requests[0]?.messages.at(-1)?.content).toEqual([{ type: 'text', text: '这是什么' }, { type: 'image', dataUrl: PNG_1 }]);
    expect(answer.text).toBe('一只猫\n\n（注：消息里有 2 张图片，只读取了前 1 张。）');
    expect(answer.build(view)[0]).toMatchObject({ assistant: '一只猫', images: 1 });
  });

  it('sends a picture without text as an image part alone', async () => {
    // Prepare
    const { deps, requests } = setup();
    // Act
    await chatTurn(text('', ['c1']), viewOf([{ t: 'state', id: 's', at: 1, model: 'vision-c' }]), deps.open(event), false, deps);
    // Assess
    expect(requests[0]?.messages.at(-1)?.content).toEqual([{ type: 'image', dataUrl: PNG_1 }]);
  });

  it('fails the turn, without calling the model, when a picture cannot be downloaded', async () => {
    // Prepare
    const { deps, requests } = setup();
    // Act / Assess
    await expect(
      chatTurn(text('看图', ['unknown-code']), viewOf([{ t: 'state', id: 's', at: 1, model: 'vision-c' }]), deps.open(event), false, deps),
    ).rejects.toThrow('unknown-code');
    expect(requests).toHaveLength(0);
  });

  it('adds the turn\'s tokens to the running sum of the previous turn', async () => {
    // Prepare
    const { deps } = setup({ model: { usage: { promptTokens: 30, completionTokens: 7, totalTokens: 37 } } });
    const view = viewOf([pastTurn('t1', { sum: { turns: 4, prompt: 1000, completion: 200, since: 111 } })]);
    // Act
    const answer = await chatTurn(text('你好'), view, deps.open(event), false, deps);
    // Assess
    expect(answer.build(view)[0]).toMatchObject({ tokens: 37, sum: { turns: 5, prompt: 1030, completion: 207, since: 111 } });
    expect((answer.build(view)[0] as TurnRecord).sum?.estimated).toBeUndefined();
  });

  it('estimates the tokens from the text and marks the sum estimated when the provider reports no usage', async () => {
    // Prepare
    const { deps } = setup({ model: { text: '模型的回答', usage: undefined } });
    // Act
    const answer = await chatTurn(text('你好'), viewOf(), deps.open(event), false, deps);
    // Assess: 你是助手 (4 + 4 per message) and 你好 (2 + 4) with 3 priming the reply in the prompt, 模型的回答 (5) out
    const turn = answer.build(viewOf())[0] as TurnRecord;
    expect(turn.sum).toEqual({ turns: 1, prompt: 17, completion: 5, since: TEST_NOW, estimated: true });
    expect(turn.tokens).toBeUndefined();
  });

  it('keeps the sum marked estimated once one turn was estimated', async () => {
    // Prepare
    const { deps } = setup();
    const view = viewOf([pastTurn('t1', { sum: { turns: 1, prompt: 14, completion: 9, since: 111, estimated: true } })]);
    // Act
    const answer = await chatTurn(text('你好'), view, deps.open(event), false, deps);
    // Assess
    expect(answer.build(view)[0]).toMatchObject({ sum: { turns: 2, prompt: 24, completion: 14, since: 111, estimated: true } });
  });

  it('writes the settings snapshot again with the turn once it has scrolled far back in the tail', async () => {
    // Prepare: a quarter of a 400-byte tail is 100 bytes; two turns after the snapshot are more than that
    const { deps } = setup({ tailBytes: 400 });
    const view = viewOf([
      { t: 'state', id: 's', at: 1, persona: '你是海盗', model: 'model-b' },
      pastTurn('t1', { assistant: '回答'.repeat(20) }),
      pastTurn('t2', { assistant: '回答'.repeat(20), sum: { turns: 2, prompt: 40, completion: 20, since: 111 } }),
    ]);
    // Act
    const answer = await chatTurn(text('你好'), view, deps.open(event), false, deps);
    // Assess
    const records = recordsFor(answer, view, 400);
    expect(records).toHaveLength(2);
    expect(records[1]).toEqual({
      t: 'state',
      id: 'm1',
      at: TEST_NOW,
      persona: '你是海盗',
      model: 'model-b',
      sum: { turns: 3, prompt: 50, completion: 25, since: 111 },
    });
  });

  it.each([
    ['the snapshot is near the end of the tail', 64 * 1024, [{ t: 'state', id: 's', at: 1, persona: '你是海盗' }, pastTurn('t1')]],
    ['there are no settings to keep', 400, [pastTurn('t1', { assistant: '回答'.repeat(40) }), pastTurn('t2', { assistant: '回答'.repeat(40) })]],
  ] satisfies Array<[string, number, HistoryRecord[]]>)('writes only the turn when %s', async (_name, tailBytes, records) => {
    // Prepare
    const { deps } = setup({ tailBytes });
    // Act
    const answer = await chatTurn(text('你好'), viewOf(records), deps.open(event), false, deps);
    // Assess
    expect(recordsFor(answer, viewOf(records), tailBytes).map((record) => record.t)).toEqual(['turn']);
  });

  it('answers with the setup hint, recording no turn, when no model is configured', async () => {
    // Prepare
    const deps = createTurnDependencies();
    // Act
    const answer = await chatTurn(text('你好'), viewOf(), deps.open(event), false, deps);
    // Assess
    expect(answer.text).toBe(SETUP_HINT);
    expect(answer.build(viewOf())).toEqual([{ t: 'done', id: 'm1', at: TEST_NOW, kind: 'setup-hint' }]);
  });

  it('says in Chinese that a message over the prompt budget is too long, without calling the model or recording a turn', async () => {
    // Prepare: 20,000 CJK characters against the default 16,000-token prompt
    const { deps, requests } = setup();
    // Act
    const answer = await chatTurn(text('长'.repeat(20_000)), viewOf([pastTurn('t1')]), deps.open(event), false, deps);
    // Assess
    expect(requests).toHaveLength(0);
    expect(answer.text).toMatch(/^这条消息太长了：约 20,0\d\d tokens，超过了单次对话约 16,000 tokens 的上限/);
    expect(answer.build(viewOf())).toEqual([{ t: 'done', id: 'm1', at: TEST_NOW, kind: 'message-too-long' }]);
  });

  it('names the speaker in a group whose history all members share, in the prompt and in the record', async () => {
    // Prepare
    const fake = createFakeChatModel();
    const defaults = createWorkerSettings();
    const settings = createWorkerSettings({ history: { ...defaults.history, groupShared: true } });
    const deps = createTurnDependencies({ settings, model: fake.model });
    const groupEvent = createWorkerEvent({ msgId: 'm1', conversationType: '2', senderNick: '李四' });
    // Act
    const answer = await chatTurn(text('大家好'), viewOf(), deps.open(groupEvent), false, deps);
    // Assess
    expect(fake.requests[0]?.messages.at(-1)).toEqual({ role: 'user', content: '李四：大家好' });
    expect(answer.build(viewOf())[0]).toMatchObject({ user: '大家好', speaker: '李四' });
  });

  it('shows the reasoning above the markdown answer when enabled, but remembers only the answer', async () => {
    // Prepare
    const { deps } = setup({ model: { text: '42', reasoning: '6 乘 7' }, showReasoning: true });
    // Act
    const answer = await chatTurn(text('答案是？'), viewOf(), deps.open(event), false, deps);
    // Assess
    expect(answer.text).toBe(`> **${REASONING_TITLE}**\n>\n> 6 乘 7\n\n---\n\n42`);
    expect(answer.build(viewOf())[0]).toMatchObject({ assistant: '42' });
  });

  it('hides the reasoning from the markdown answer by default', async () => {
    // Prepare
    const { deps } = setup({ model: { text: '42', reasoning: '6 乘 7' } });
    // Act
    const answer = await chatTurn(text('答案是？'), viewOf(), deps.open(event), false, deps);
    // Assess
    expect(answer.text).toBe('42');
  });

  it.each([
    ['what is left of the function\'s time, keeping the reply reserve', TEST_NOW + 20_000, 15_000],
    ['no more than the model timeout when much time is left', TEST_NOW + 600_000, 30_000],
    ['at least a second when the time is all but spent', TEST_NOW + 5_000, 1_000],
  ])('gives the model %s', async (_name, deadlineMs, timeoutMs) => {
    // Prepare
    const fake = createFakeChatModel();
    const deps = createTurnDependencies({ model: fake.model, deadlineMs, replyReserveMs: 5_000 });
    // Act
    await chatTurn(text('你好'), viewOf(), deps.open(event), false, deps);
    // Assess
    expect(fake.requests[0]?.timeoutMs).toBe(timeoutMs);
  });

  it('refuses a message too long with its pictures before downloading any of them', async () => {
    // Prepare: 16,000 tokens in all; 14,000 characters of Chinese and two pictures of 1,536 each are over it
    const { deps, requests, images } = setup();
    const view = viewOf([{ t: 'state', id: 's', at: 1, model: 'vision-c' }]);
    // Act
    const answer = await chatTurn(text('长'.repeat(14_000), ['c1', 'c2']), view, deps.open(event), false, deps);
    // Assess
    expect(answer.text).toContain('太长');
    expect(images.fetched).toEqual([]);
    expect(requests).toHaveLength(0);
  });
});
