import type { DingTalkMessage } from '../../../../shared/channels/dingtalk/schema';
import { DeliveryError, ModelError } from '../../../../shared/errors';
import { toInboundMessage } from '../../../../shared/channels/dingtalk/inbound';
import { conversationKey } from '../../../../shared/history/conversation-key';
import { createConversationHistory } from '../../../../shared/history/conversation-history';
import { historyLimits } from '../../../../shared/history/history-limits';
import { createMessageClaims } from '../../../../shared/history/message-claims';
import { parseRecords } from '../../../../shared/history/records';
import { silentLogger } from '../../../../shared/logging/logger';
import type { ChatModel, ChatRequest } from '../../../../shared/model/chat-model';
import { handleMessage } from '../../../../shared/turn/handle-message';
import type { WorkerSettings } from '../../../../shared/turn/turn-dependencies';
import { createWorkerEvent } from '../../../helpers/builders';
import { createMemoryAppendLog } from '../../../../shared/storage/memory/memory-append-log';
import { createImageFetcher, createWorkerSettings } from '../../../helpers/worker-settings';
import { openDingTalkTurn, TEST_ROBOT, type TestTurnDependencies, type TestWorkerEvent } from '../../../helpers/turn-dependencies';

const baseSettings: WorkerSettings = createWorkerSettings();

interface SetupOptions {
  model?: ChatModel | null;
  replyFailures?: number;
  /** Thrown by the replier instead of the default DeliveryError. */
  replyError?: () => Error;
  history?: Partial<WorkerSettings['history']>;
}

function setup(options: SetupOptions = {}) {
  const store = createMemoryAppendLog();
  const settings: WorkerSettings = createWorkerSettings({ history: { ...baseSettings.history, ...options.history } });
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
  const replier = {
    reply: async (message: DingTalkMessage, text: string, replyOptions?: { skipParts?: number }) => {
      if (replyFailures > 0) {
        replyFailures -= 1;
        throw options.replyError?.() ?? new DeliveryError('webhook and OpenAPI both failed');
      }
      replies.push({ msgId: message.msgId, text: replyOptions?.skipParts ? `[after ${replyOptions.skipParts}] ${text}` : text });
      return { parts: 1, skipped: replyOptions?.skipParts ?? 0, via: ['webhook' as const], uncertain: 0 };
    },
  };
  const deps = (): TestTurnDependencies => ({
    settings,
    robot: TEST_ROBOT,
    history: createConversationHistory({ log: store.log, ...historyLimits(settings.history, () => clock) }),
    claims: createMessageClaims({ log: store.log, prefix: 'messages/' }),
    model: options.model === null ? undefined : (options.model ?? echoModel),
    open: (event) => openDingTalkTurn(event, { replier, cards: undefined, images: createImageFetcher() }),
    logger: silentLogger,
    now: () => (clock += 10),
    deadlineMs: clock + 60_000,
    replyReserveMs: 5_000,
  });
  const key = conversationKey(toInboundMessage(createWorkerEvent().message), settings.history);
  const records = () => parseRecords(store.text(key)).records;
  const advance = (ms: number) => (clock += ms);
  return { store, prompts, replies, deps, records, key, advance };
}

/** handleMessage on the event as the DingTalk channel opens it. */
const handle = (event: TestWorkerEvent, deps: TestTurnDependencies) => handleMessage(deps.open(event), deps);

describe('handleMessage', () => {
  it('answers with the model and remembers the turn for the next message, in three storage requests', async () => {
    // Prepare
    const { store, prompts, replies, deps, records } = setup();
    // Act
    await handle(createWorkerEvent({ msgId: 'm1', text: { content: '第一句' } }), deps());
    const callsForFirstTurn = store.calls.length;
    await handle(createWorkerEvent({ msgId: 'm2', text: { content: '第二句' } }), deps());
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
    const first = await handle(createWorkerEvent({ msgId: 'm1' }, 'delivery-A'), deps());
    const again = await handle(createWorkerEvent({ msgId: 'm1' }, 'delivery-B'), deps());
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
    const first = handle(createWorkerEvent({ msgId: 'm1' }, 'delivery-A'), deps());
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await handle(createWorkerEvent({ msgId: 'm1' }, 'delivery-B'), deps());
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
    await expect(handle(event, deps())).rejects.toBeInstanceOf(DeliveryError);
    const retry = await handle(event, deps());
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
      handle(createWorkerEvent({ msgId: 'm1', text: { content: '甲' } }, 'd1'), deps()),
      handle(createWorkerEvent({ msgId: 'm2', text: { content: '乙' } }, 'd2'), deps()),
    ]);
    // Assess
    expect(replies).toHaveLength(2);
    const turns = records().filter((record) => record.t === 'turn');
    expect(turns.map((turn) => turn.id).sort()).toEqual(['m1', 'm2']);
  });

  it('forgets the conversation on reset, so the next prompt carries no earlier turn', async () => {
    // Prepare
    const { prompts, replies, deps, store } = setup();
    await handle(createWorkerEvent({ msgId: 'm1', text: { content: '记住 42' } }), deps());
    // Act
    await handle(createWorkerEvent({ msgId: 'm2', text: { content: '新对话' } }), deps());
    await handle(createWorkerEvent({ msgId: 'm3', text: { content: '刚才说了什么' } }), deps());
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
    await handle(createWorkerEvent({ msgId: 'm1', text: { content: ` ${text}` }, conversationType: '2' }), deps());
    // Assess
    expect(prompts).toHaveLength(0);
    expect(replies[0]?.text).toContain('使用说明');
  });

  it('answers with a setup hint when no model key is configured', async () => {
    // Prepare
    const { replies, deps } = setup({ model: null });
    // Act
    await handle(createWorkerEvent({ msgId: 'm1' }), deps());
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
    await handle(createWorkerEvent({ msgId: 'm1' }), deps());
    // Assess
    expect(replies[0]?.text).toContain(words);
    expect(replies[0]?.text).not.toContain('boom');
    expect(records().map((record) => record.t)).toEqual(['done']);
  });

  it('tells the user when the history cannot be read even after retries', async () => {
    // Prepare
    const { store, replies, deps } = setup();
    store.failNext(1000);
    // Act
    const outcome = await handle(createWorkerEvent({ msgId: 'm1' }), { ...deps(), now: Date.now, deadlineMs: Date.now() + 2_000 });
    // Assess
    expect(outcome).toBe('answered');
    expect(replies[0]?.text).toContain('会话记录暂时无法读写');
  });

  it('asks the model once when the reply fails: the FC retry sends the recorded answer', async () => {
    // Prepare
    const { prompts, replies, deps } = setup({ replyFailures: 1 });
    const event = createWorkerEvent({ msgId: 'm1', text: { content: '一次就好' } }, 'delivery-A');
    // Act
    await expect(handle(event, deps())).rejects.toBeInstanceOf(DeliveryError);
    await handle(event, deps());
    // Assess
    expect(prompts).toHaveLength(1);
    expect(replies.map((reply) => reply.text)).toEqual(['答：一次就好']);
  });

  it('resumes after the parts that went out when a later part failed', async () => {
    // Prepare
    const { replies, deps } = setup({ replyFailures: 1, replyError: () => new DeliveryError('part 3 failed', { deliveredParts: 2 }) });
    const event = createWorkerEvent({ msgId: 'm1' }, 'delivery-A');
    // Act
    await expect(handle(event, deps())).rejects.toBeInstanceOf(DeliveryError);
    await handle(event, deps());
    // Assess
    expect(replies.map((reply) => reply.text)).toEqual(['[after 2] 答：你好']);
  });

  it('does not hand FC a delivery failure that no retry can fix', async () => {
    // Prepare
    const { replies, deps, records } = setup({ replyFailures: 1, replyError: () => new DeliveryError('not visible', { retryable: false }) });
    // Act
    const outcome = await handle(createWorkerEvent({ msgId: 'm1' }, 'delivery-A'), deps());
    // Assess
    expect(outcome).toBe('answered');
    expect(replies).toHaveLength(0);
    expect(records().map((record) => record.t)).toEqual(['turn']);
  });

  it('recognises a redelivery a day later, after more chat than the tail holds', async () => {
    // Prepare: a 4 KiB tail, and 10,000 characters of chat after the first message
    const { prompts, replies, deps, advance } = setup({ history: { tailBytes: 4096, maxBytes: 1024 * 1024 } });
    await handle(createWorkerEvent({ msgId: 'm1', text: { content: '最初的问题' } }, 'delivery-A'), deps());
    await handle(createWorkerEvent({ msgId: 'm2', text: { content: '长'.repeat(10_000) } }, 'delivery-B'), deps());
    advance(24 * 3_600_000);
    // Act
    const again = await handle(createWorkerEvent({ msgId: 'm1', text: { content: '最初的问题' } }, 'delivery-C'), deps());
    // Assess
    expect(again).toBe('skipped');
    expect(prompts).toHaveLength(2);
    expect(replies).toHaveLength(2);
  });

  it('answers the next message when the history object became a Normal object, keeps the old one, and says so once', async () => {
    // Prepare
    const { store, replies, deps, key, records } = setup();
    await handle(createWorkerEvent({ msgId: 'm1', text: { content: '记住 42' } }), deps());
    store.replaceWithNormal(key, store.text(key));
    // Act
    await handle(createWorkerEvent({ msgId: 'm2', text: { content: '第二句' } }), deps());
    await handle(createWorkerEvent({ msgId: 'm3', text: { content: '第三句' } }), deps());
    // Assess
    expect(replies[1]?.text).toContain('答：第二句');
    expect(replies[1]?.text).toContain('已无法继续写入');
    expect(replies[2]?.text).toBe('答：第三句');
    const archive = [...store.objects.keys()].find((name) => name.startsWith('h/archive/'));
    expect(store.text(archive ?? '')).toContain('记住 42');
    expect(records().map((record) => record.t)).toEqual(['rotated', 'state', 'turn', 'turn']);
  });

  it('moves a full object to a fresh one that keeps the latest turns, so the next prompt still sees them', async () => {
    // Prepare: objects over 16 KiB move; each turn here is about 3 KiB
    const { store, prompts, deps, records } = setup({ history: { tailBytes: 4096, maxBytes: 16 * 1024 } });
    for (let index = 1; index <= 8; index += 1) {
      await handle(createWorkerEvent({ msgId: `m${index}`, text: { content: `第${index}句${'字'.repeat(500)}` } }), deps());
    }
    // Assess
    const sizes = [...store.objects.entries()].filter(([name]) => !name.startsWith('messages/')).map(([, data]) => data.length);
    expect(Math.max(...sizes)).toBeLessThan(16 * 1024 + 4096);
    expect(records()[0]?.t).toBe('rotated');
    expect(prompts.at(-1)?.messages.some((message) => String(message.content).startsWith('第7句'))).toBe(true);
  });

  it('still answers 新对话 when the object is broken', async () => {
    // Prepare
    const { store, replies, deps, key, records } = setup();
    store.replaceWithNormal(key, 'not json at all\n');
    // Act
    await handle(createWorkerEvent({ msgId: 'm1', text: { content: '新对话' } }), deps());
    // Assess
    expect(replies[0]?.text).toContain('已开启新对话');
    expect(records().map((record) => record.t)).toEqual(['reset']);
  });

  it('counts every one of 30 concurrent turns and their tokens', async () => {
    // Prepare
    const { deps, records } = setup();
    // Act
    await Promise.all(
      Array.from({ length: 30 }, (_, index) => handle(createWorkerEvent({ msgId: `m${index}` }, `d${index}`), { ...deps(), now: Date.now, deadlineMs: Date.now() + 60_000 })),
    );
    // Assess
    const sums = records().flatMap((record) => (record.t === 'turn' && record.sum ? [record.sum] : []));
    expect(sums.at(-1)).toMatchObject({ turns: 30, prompt: 30, completion: 30 });
  });

  it('does nothing when FC runs an event again after it was answered', async () => {
    // Prepare
    const { prompts, replies, deps, advance } = setup();
    const event = createWorkerEvent({ msgId: 'm1' }, 'delivery-A');
    await handle(event, deps());
    advance(120_000);
    // Act
    const again = await handle(event, deps());
    // Assess
    expect(again).toBe('skipped');
    expect(prompts).toHaveLength(1);
    expect(replies).toHaveLength(1);
  });

  it('sends one reply when FC runs the same event twice at the same time', async () => {
    // Prepare
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const model: ChatModel = {
      complete: async () => {
        await gate;
        return { text: '一次', model: 'fake' };
      },
    };
    const { replies, deps } = setup({ model });
    const event = createWorkerEvent({ msgId: 'm1' }, 'delivery-A');
    // Act
    const runs = [handle(event, { ...deps(), now: Date.now, deadlineMs: Date.now() + 60_000 })];
    await new Promise((resolve) => setTimeout(resolve, 20));
    runs.push(handle(event, { ...deps(), now: Date.now, deadlineMs: Date.now() + 60_000 }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    const outcomes = await Promise.all(runs);
    // Assess
    expect(outcomes.sort()).toEqual(['answered', 'skipped']);
    expect(replies.map((reply) => reply.text)).toEqual(['一次']);
  });
});
