import type { DingTalkMessage } from '../../../../shared/dingtalk/schema';
import { DeliveryError, ModelError } from '../../../../shared/errors';
import { conversationKey } from '../../../../shared/history/conversation-key';
import { createConversationHistory } from '../../../../shared/history/conversation-history';
import { parseRecords } from '../../../../shared/history/records';
import { silentLogger } from '../../../../shared/logging/logger';
import type { ChatModel, ChatRequest } from '../../../../shared/model/chat-model';
import { handleMessage } from '../../../../shared/worker/handle-message';
import type { TurnDependencies, WorkerSettings } from '../../../../shared/worker/turn-dependencies';
import { createWorkerEvent } from '../../../helpers/builders';
import { createMemoryAppendLog } from '../../../helpers/memory-append-log';
import { createImageFetcher, createWorkerSettings } from '../../../helpers/worker-settings';

const settings: WorkerSettings = createWorkerSettings();

function setup(options: { model?: ChatModel | null; replyFailures?: number } = {}) {
  const store = createMemoryAppendLog();
  const prompts: ChatRequest[] = [];
  const replies: Array<{ msgId: string; text: string }> = [];
  let replyFailures = options.replyFailures ?? 0;
  const echoModel: ChatModel = {
    complete: async (request) => {
      prompts.push(request);
      const last = request.messages[request.messages.length - 1]?.content ?? '';
      return { text: `答：${last}`, model: 'fake', usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 } };
    },
  };
  let clock = 1_700_000_000_000;
  const deps = (): TurnDependencies => ({
    settings,
    history: createConversationHistory({ log: store.log, tailBytes: 64 * 1024 }),
    model: options.model === null ? undefined : (options.model ?? echoModel),
    replier: {
      reply: async (message: DingTalkMessage, text: string) => {
        if (replyFailures > 0) {
          replyFailures -= 1;
          throw new DeliveryError('webhook and OpenAPI both failed');
        }
        replies.push({ msgId: message.msgId, text });
        return { parts: 1, skipped: 0, via: ['webhook' as const], uncertain: 0 };
      },
    },
    cards: undefined,
    images: createImageFetcher(),
    logger: silentLogger,
    now: () => (clock += 10),
    deadlineMs: clock + 60_000,
    replyReserveMs: 5_000,
  });
  const key = conversationKey(createWorkerEvent().message, settings.history);
  const records = () => parseRecords(store.text(key)).records;
  return { store, prompts, replies, deps, records };
}

describe('handleMessage', () => {
  it('answers with the model and remembers the turn for the next message, in three storage requests', async () => {
    // Prepare
    const { store, prompts, replies, deps, records } = setup();
    // Act
    await handleMessage(createWorkerEvent({ msgId: 'm1', text: { content: '第一句' } }), deps());
    const callsForFirstTurn = store.calls.length;
    await handleMessage(createWorkerEvent({ msgId: 'm2', text: { content: '第二句' } }), deps());
    // Assess
    expect(replies.map((reply) => reply.text)).toEqual(['答：第一句', '答：第二句']);
    expect(callsForFirstTurn).toBe(3);
    expect(prompts[1]?.messages.map((message) => message.content)).toEqual(['你是助手', '第一句', '答：第一句', '第二句']);
    expect(records().filter((record) => record.t === 'turn').map((record) => record.id)).toEqual(['m1', 'm2']);
  });

  it('answers a message only once when DingTalk delivers it again', async () => {
    // Prepare
    const { replies, deps } = setup();
    // Act
    const first = await handleMessage(createWorkerEvent({ msgId: 'm1' }, 'delivery-A'), deps());
    const again = await handleMessage(createWorkerEvent({ msgId: 'm1' }, 'delivery-B'), deps());
    // Assess
    expect([first, again]).toEqual(['answered', 'skipped']);
    expect(replies).toHaveLength(1);
  });

  it('skips a redelivery while the first delivery is still answering', async () => {
    // Prepare
    let release: () => void = () => undefined;
    const slowModel: ChatModel = {
      complete: () => new Promise((resolve) => (release = () => resolve({ text: '慢答', model: 'fake' }))),
    };
    const { replies, deps } = setup({ model: slowModel });
    // Act
    const first = handleMessage(createWorkerEvent({ msgId: 'm1' }, 'delivery-A'), deps());
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await handleMessage(createWorkerEvent({ msgId: 'm1' }, 'delivery-B'), deps());
    release();
    // Assess
    expect(second).toBe('skipped');
    expect(await first).toBe('answered');
    expect(replies.map((reply) => reply.text)).toEqual(['慢答']);
  });

  it('throws when the reply cannot be delivered, and the FC retry of the same delivery answers once', async () => {
    // Prepare
    const { replies, deps, records } = setup({ replyFailures: 1 });
    const event = createWorkerEvent({ msgId: 'm1' }, 'delivery-A');
    // Act
    await expect(handleMessage(event, deps())).rejects.toBeInstanceOf(DeliveryError);
    const retry = await handleMessage(event, deps());
    // Assess
    expect(retry).toBe('answered');
    expect(replies).toHaveLength(1);
    expect(records().filter((record) => record.t === 'turn')).toHaveLength(1);
  });

  it('keeps both turns when one person sends two messages at the same time', async () => {
    // Prepare
    const { replies, deps, records } = setup();
    // Act
    await Promise.all([
      handleMessage(createWorkerEvent({ msgId: 'm1', text: { content: '甲' } }, 'd1'), deps()),
      handleMessage(createWorkerEvent({ msgId: 'm2', text: { content: '乙' } }, 'd2'), deps()),
    ]);
    // Assess
    expect(replies).toHaveLength(2);
    const turns = records().filter((record) => record.t === 'turn');
    expect(turns.map((turn) => turn.id).sort()).toEqual(['m1', 'm2']);
  });

  it('forgets the conversation on reset, so the next prompt carries no earlier turn', async () => {
    // Prepare
    const { prompts, replies, deps, store } = setup();
    await handleMessage(createWorkerEvent({ msgId: 'm1', text: { content: '记住 42' } }), deps());
    // Act
    await handleMessage(createWorkerEvent({ msgId: 'm2', text: { content: '新对话' } }), deps());
    await handleMessage(createWorkerEvent({ msgId: 'm3', text: { content: '刚才说了什么' } }), deps());
    // Assess
    expect(replies[1]?.text).toContain('已开启新对话');
    expect(prompts.at(-1)?.messages.map((message) => message.content)).toEqual(['你是助手', '刚才说了什么']);
    expect([...store.objects.values()].join('')).not.toContain('记住 42');
  });

  it.each([
    ['an empty @-mention', ''],
    ['the help command', '帮助'],
  ])('answers %s with help, without the model', async (_name, text) => {
    // Prepare
    const { prompts, replies, deps } = setup();
    // Act
    await handleMessage(createWorkerEvent({ msgId: 'm1', text: { content: ` ${text}` }, conversationType: '2' }), deps());
    // Assess
    expect(prompts).toHaveLength(0);
    expect(replies[0]?.text).toContain('使用说明');
  });

  it('answers with a setup hint when no model key is configured', async () => {
    // Prepare
    const { replies, deps } = setup({ model: null });
    // Act
    await handleMessage(createWorkerEvent({ msgId: 'm1' }), deps());
    // Assess
    expect(replies[0]?.text).toContain('OPENAI_API_KEY');
  });

  it.each([
    ['MODEL_AUTH' as const, 'API Key'],
    ['MODEL_RATE_LIMIT' as const, '限流'],
    ['MODEL_TIMEOUT' as const, '超时'],
    ['MODEL_UNREACHABLE' as const, '无法连接'],
  ])('tells the user in Chinese when the model fails with %s, and records no turn', async (code, words) => {
    // Prepare
    const failing: ChatModel = { complete: async () => Promise.reject(new ModelError(code, 'boom', 500)) };
    const { replies, deps, records } = setup({ model: failing });
    // Act
    await handleMessage(createWorkerEvent({ msgId: 'm1' }), deps());
    // Assess
    expect(replies[0]?.text).toContain(words);
    expect(replies[0]?.text).not.toContain('boom');
    expect(records().map((record) => record.t)).toEqual(['claim', 'done']);
  });

  it('tells the user when the history cannot be read even after retries', async () => {
    // Prepare
    const { store, replies, deps } = setup();
    store.failNext(1000);
    // Act
    const outcome = await handleMessage(createWorkerEvent({ msgId: 'm1' }), { ...deps(), now: Date.now, deadlineMs: Date.now() + 2_000 });
    // Assess
    expect(outcome).toBe('answered');
    expect(replies[0]?.text).toContain('会话记录暂时无法读写');
  });
});
