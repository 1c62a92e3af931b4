import { createDingTalkChannel } from '../../../../shared/channels/dingtalk/dingtalk-channel';
import type { Replier } from '../../../../shared/channels/dingtalk/replier';
import { createConversationHistory } from '../../../../shared/history/conversation-history';
import { historyLimits } from '../../../../shared/history/history-limits';
import { createMessageClaims } from '../../../../shared/history/message-claims';
import { createLogger } from '../../../../shared/logging/logger';
import { createMemoryAppendLog } from '../../../../shared/storage/memory/memory-append-log';
import { createWorkerHandler } from '../../../../shared/worker/create-worker-handler';
import { captureLog, createWorkerEvent, fcContext } from '../../../helpers/builders';
import { createImageFetcher, createWorkerSettings } from '../../../helpers/worker-settings';

function setup() {
  const store = createMemoryAppendLog();
  const log = captureLog();
  const replies: Array<{ msgId: string; text: string }> = [];
  const replier: Replier = {
    reply: async (message, text) => {
      replies.push({ msgId: message.msgId, text });
      return { parts: 1, skipped: 0, via: ['webhook'], uncertain: 0 };
    },
  };
  const settings = createWorkerSettings();
  const handler = createWorkerHandler({
    settings,
    createStorage: () => ({
      history: createConversationHistory({ log: store.log, ...historyLimits(settings.history) }),
      claims: createMessageClaims({ log: store.log, prefix: 'messages/' }),
      log: store.log,
    }),
    // No model: every chat message gets the setup hint, which is enough to see that it was answered.
    model: undefined,
    channels: { dingtalk: createDingTalkChannel({ replier, cards: undefined, files: createImageFetcher() }) },
    logger: createLogger({ service: 'test', write: log.write }),
    now: Date.now,
    defaultTimeoutSeconds: 60,
  });
  const run = (event: unknown) => handler(Buffer.from(typeof event === 'string' ? event : JSON.stringify(event)), fcContext);
  return { run, replies, store, log };
}

describe('worker handler', () => {
  it("answers a DingTalk event through the DingTalk channel, into the message's chat", async () => {
    // Prepare
    const { run, replies } = setup();
    // Act
    const outcome = await run(createWorkerEvent({ msgId: 'm1' }));
    // Assess
    expect(outcome).toBe('answered');
    expect(replies).toEqual([{ msgId: 'm1', text: expect.stringContaining('还没有配置大模型') }]);
  });

  it('takes an event without a channel, as the previous version queued them, for DingTalk', async () => {
    // Prepare
    const { run, replies } = setup();
    const { channel: _channel, ...queuedBefore } = createWorkerEvent({ msgId: 'm1' });
    // Act
    const outcome = await run(queuedBefore);
    // Assess
    expect(outcome).toBe('answered');
    expect(replies.map((reply) => reply.msgId)).toEqual(['m1']);
  });

  it('refuses, without retry and without touching storage, an event for a channel it does not serve', async () => {
    // Prepare
    const { run, replies, store, log } = setup();
    // Act
    const outcome = await run({ ...createWorkerEvent(), channel: 'wechat' });
    // Assess
    expect(outcome).toBe('refused');
    expect(replies).toEqual([]);
    expect(store.calls).toEqual([]);
    expect(log.entries()).toEqual([expect.objectContaining({ level: 'error', channel: 'wechat' })]);
  });

  it('refuses a malformed event, an unknown channel name and a message its channel rejects', async () => {
    // Prepare
    const { run, replies, store } = setup();
    // Act
    const outcomes = [
      await run('{not json'),
      await run({ ...createWorkerEvent(), channel: 'telegram' }),
      await run({ ...createWorkerEvent(), message: { msgId: 'm1' } }),
      await run({ ...createWorkerEvent(), deliveryId: 'short' }),
    ];
    // Assess
    expect(outcomes).toEqual(['refused', 'refused', 'refused', 'refused']);
    expect(replies).toEqual([]);
    expect(store.calls).toEqual([]);
  });

  it('builds no storage client for an event it refuses on sight (no credentials are needed to refuse it)', async () => {
    // Prepare
    const log = captureLog();
    const handler = createWorkerHandler({
      settings: createWorkerSettings(),
      createStorage: () => {
        throw new Error('storage built');
      },
      model: undefined,
      channels: {},
      logger: createLogger({ service: 'test', write: log.write }),
      now: Date.now,
      defaultTimeoutSeconds: 60,
    });
    // Act
    const outcome = await handler(Buffer.from('{oops'), fcContext);
    // Assess
    expect(outcome).toBe('refused');
    expect(log.entries()).toEqual([expect.objectContaining({ message: 'worker event refused' })]);
  });
});
