import type { InboundContent, InboundMessage } from '../../../../shared/channels/channel';
import { conversationKey } from '../../../../shared/history/conversation-key';
import { createConversationHistory } from '../../../../shared/history/conversation-history';
import { historyLimits } from '../../../../shared/history/history-limits';
import { createMessageClaims } from '../../../../shared/history/message-claims';
import { parseRecords } from '../../../../shared/history/records';
import { silentLogger } from '../../../../shared/logging/logger';
import type { ChatModel } from '../../../../shared/model/chat-model';
import { handleMessage } from '../../../../shared/turn/handle-message';
import type { TurnDependencies, TurnEvent } from '../../../../shared/turn/turn-dependencies';
import { createMemoryAppendLog } from '../../../../shared/storage/memory/memory-append-log';
import { createWorkerSettings } from '../../../helpers/worker-settings';
import { TEST_ROBOT } from '../../../helpers/turn-dependencies';

/** A 1:1 chat of a channel that can say its user left (as WeChat's unfollow), over one in-memory log. */
function setup() {
  const store = createMemoryAppendLog();
  const settings = createWorkerSettings();
  const modelCalls: string[] = [];
  const prompts: string[] = [];
  const model: ChatModel = {
    complete: async (request) => {
      const last = String(request.messages.at(-1)?.content ?? '');
      modelCalls.push(last);
      prompts.push(JSON.stringify(request.messages));
      return { text: `答：${last}`, model: 'fake', usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 } };
    },
  };
  let clock = 1_700_000_000_000;
  const deps = (): TurnDependencies => ({
    settings,
    robot: TEST_ROBOT,
    history: createConversationHistory({ log: store.log, ...historyLimits(settings.history, () => clock) }),
    claims: createMessageClaims({ log: store.log, prefix: 'messages/' }),
    model,
    logger: silentLogger,
    now: () => (clock += 10),
    deadlineMs: clock + 60_000,
    replyReserveMs: 5_000,
  });
  const replies: string[] = [];
  let forgotten = 0;
  const event = (id: string, content: InboundContent, deliveryId = `d-${id}`): TurnEvent => {
    const message: InboundMessage = { channel: 'wechat', id, account: 'gh', conversation: { id: 'o1', group: false }, sender: { id: 'o1' }, content };
    return {
      message, deliveryId,
      reply: async (text) => {
        replies.push(text);
        return { parts: 1, skipped: 0 };
      },
      forgetSender: async () => {
        forgotten += 1;
      },
    };
  };
  const key = conversationKey(event('x', { kind: 'forget' }).message, settings.history);
  const historyKeys = () => [...store.objects.keys()].filter((name) => name.startsWith(settings.history.prefix));
  return { store, deps, event, key, replies, modelCalls, prompts, historyKeys, forgotten: () => forgotten };
}

const chat = (text: string): InboundContent => ({ kind: 'input', text, images: [] });

describe('a forget message (the sender left)', () => {
  it('deletes the conversation’s history and the channel’s data, sends nothing, asks no model and writes no record', async () => {
    // Prepare
    const { store, deps, event, key, replies, modelCalls, historyKeys, forgotten } = setup();
    await handleMessage(event('m1', chat('你好')), deps());
    expect(parseRecords(store.text(key)).records.map((record) => record.t)).toEqual(['turn']);
    store.calls.length = 0;
    // Act
    const outcome = await handleMessage(event('o1:1700000000', { kind: 'forget' }), deps());
    // Assess: the claim's append is the only write; the object is read for its links and deleted
    expect(outcome).toBe('answered');
    expect(historyKeys()).toEqual([]);
    expect(store.calls).toEqual(['append', 'readAll', 'remove']);
    expect(forgotten()).toBe(1);
    expect(replies).toEqual(['答：你好']);
    expect(modelCalls).toEqual(['你好']);
  });

  it('deletes again on a retry, harmlessly, and a copy arriving while it runs stops at the claim', async () => {
    // Prepare
    const { deps, event, replies, historyKeys, forgotten } = setup();
    await handleMessage(event('m1', chat('你好')), deps());
    const forget = { kind: 'forget' } as const;
    await handleMessage(event('o1:1700000000', forget, 'first'), deps());
    // Act: an FC retry of the same delivery, then a redelivery while that lease is live
    const retried = await handleMessage(event('o1:1700000000', forget, 'first'), deps());
    const copy = await handleMessage(event('o1:1700000000', forget, 'second'), deps());
    // Assess
    expect([retried, copy]).toEqual(['answered', 'skipped']);
    expect(forgotten()).toBe(2);
    expect(historyKeys()).toEqual([]);
    expect(replies).toEqual(['答：你好']);
  });

  it('starts a fresh history when the user comes back, with nothing of the earlier one in the prompt', async () => {
    // Prepare
    const { deps, event, key, store, modelCalls, prompts } = setup();
    await handleMessage(event('m1', chat('我叫小明')), deps());
    await handleMessage(event('o1:1700000000', { kind: 'forget' }), deps());
    // Act
    await handleMessage(event('m2', chat('我叫什么')), deps());
    // Assess
    expect(parseRecords(store.text(key)).records.map((record) => record.t === 'turn' && record.user)).toEqual(['我叫什么']);
    expect(modelCalls).toEqual(['我叫小明', '我叫什么']);
    expect(prompts[0]).toContain('我叫小明');
    expect(prompts[1]).not.toContain('小明');
  });
});
