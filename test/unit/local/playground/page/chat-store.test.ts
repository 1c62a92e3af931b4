import type { PlaygroundEvent } from '../../../../../local/playground/playground-api';
import { emptyStore, reduceStore, type ChatStore, type UserItem } from '../../../../../local/playground/page/chat-store';

const sending: UserItem = {
  kind: 'user', msgId: 'local-1', pending: true, conversationId: 'dm-zhangsan', memberId: 'zhangsan', text: '你好', mentions: [], atRobot: false, at: 1,
};
const echo: PlaygroundEvent = {
  type: 'user-message', conversationId: 'dm-zhangsan', msgId: 'm1', memberId: 'zhangsan', text: '你好', mentions: [], atRobot: false, at: 2,
};
const card = (content: string, finalized: boolean, at: number): PlaygroundEvent => ({
  type: 'card', conversationId: 'dm-zhangsan', outTrackId: 't1', content, finalized, failed: false, atMemberIds: [], at,
});
const run = (...actions: Parameters<typeof reduceStore>[1][]): ChatStore => actions.reduce(reduceStore, emptyStore);

describe('the page\'s chat store', () => {
  it('shows a sent message once whether its echo arrives before or after the send answers', () => {
    for (const store of [
      run({ type: 'sending', item: sending }, { type: 'event', event: echo }, { type: 'sent', localId: 'local-1', msgId: 'm1' }),
      run({ type: 'sending', item: sending }, { type: 'sent', localId: 'local-1', msgId: 'm1' }, { type: 'event', event: echo }),
    ]) {
      expect(store.items).toEqual([expect.objectContaining({ kind: 'user', msgId: 'm1', pending: false })]);
    }
  });

  it('replaces a card\'s state in place when a later event for the same outTrackId comes', () => {
    const store = run(
      { type: 'event', event: card('第', false, 10) },
      { type: 'event', event: { type: 'robot-message', conversationId: 'dm-zhangsan', id: 'r1', via: 'webhook', format: 'text', title: '', text: '另一条', atMemberIds: [], at: 11 } },
      { type: 'event', event: card('第一段', true, 12) },
    );
    expect(store.items.map((item) => item.kind)).toEqual(['card', 'robot']);
    expect(store.items[0]).toEqual(expect.objectContaining({ content: '第一段', finalized: true, at: 10 }));
  });

  it('keeps a turn\'s log lines once each, live or loaded, in time order', () => {
    const line = (time: number, text: string) => ({ time, level: 'info', service: 'worker', message: text, fields: {}, text });
    const store = run(
      { type: 'event', event: { type: 'log', msgId: 'm1', line: line(2, 'b') } },
      { type: 'turn-loaded', msgId: 'm1', logs: [line(1, 'a'), line(2, 'b')], figures: { done: false } },
      { type: 'event', event: { type: 'log', line: line(3, 'no turn') } },
    );
    expect(store.logs['m1']?.map((entry) => entry.text)).toEqual(['a', 'b']);
  });

  it('marks a send that failed, so the bubble can say so', () => {
    const store = run({ type: 'sending', item: sending }, { type: 'send-failed', localId: 'local-1', error: '500' });
    expect(store.items[0]).toEqual(expect.objectContaining({ pending: false, error: '500' }));
  });
});
