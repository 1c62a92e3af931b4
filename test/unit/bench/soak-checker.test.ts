import { checkSoak, type SoakRecords } from '../../../bench/soak/checker';
import type { Delivery } from '../../../bench/soak/dingtalk-faults';
import type { KillRecord } from '../../../bench/soak/kills';
import type { ModelCall } from '../../../bench/soak/model-faults';
import { planSoak } from '../../../bench/soak/plan';

const PREFIX = 'h/';
const message = (n: number) => ({ msgId: `msg${n}`, tag: `[m${n}]`, historyKey: `${PREFIX}c${n}.jsonl` });
const reply = (n: number, seq: number, text = `回答：问题 [m${n}]（共 2 条消息）`): Delivery => ({ msgId: `msg${n}`, seq, via: 'webhook', text });
const kill = (n: number, seq: number, instances = 1): KillRecord => ({ msgId: `msg${n}`, kind: 'kill-after-delivery', seq, instances });
const call = (n: number, seq: number, outcome: ModelCall['outcome'] = 'complete'): ModelCall => ({ msgId: `msg${n}`, seq, outcome });
const turn = (n: number): string => `${JSON.stringify({ t: 'claim', id: `msg${n}`, at: 1, by: 'd', until: 2 })}\n${JSON.stringify({ t: 'turn', id: `msg${n}`, at: 1, user: 'q', assistant: 'a' })}\n`;

function records(overrides: Partial<SoakRecords>): SoakRecords {
  return {
    messages: [message(1)],
    deliveries: [],
    kills: [],
    modelCalls: [],
    recordAppends: [],
    histories: [],
    historyPrefix: PREFIX,
    unsettled: [],
    callbackFailures: [],
    ...overrides,
  };
}

describe('the soak checker', () => {
  it('passes a message answered once by the model whose turn is in its history', () => {
    // Act
    const verdict = checkSoak(records({ deliveries: [reply(1, 2)], modelCalls: [call(1, 1)], histories: [{ key: `${PREFIX}c1.jsonl`, text: turn(1) }] }));
    // Assess
    expect(verdict).toMatchObject({ answeredOnce: 1, unanswered: [], lostTurns: [], failures: [] });
    expect(verdict.modelCalls.callsPerMessage).toEqual({ 1: 1 });
  });

  it('counts a second reply after a kill that followed the first as inside the window, and fails one without', () => {
    // Prepare
    const messages = [message(1), message(2), message(3)];
    const deliveries = [reply(1, 2), reply(1, 5), reply(2, 2), reply(2, 5), reply(3, 3), reply(3, 4)];
    // A kill of message 3 before its first reply does not explain a second one; one that killed nothing neither.
    const kills = [kill(1, 3), kill(2, 3, 0), kill(3, 1)];
    const histories = messages.map((m, index) => ({ key: m.historyKey, text: turn(index + 1) }));
    // Act
    const verdict = checkSoak(records({ messages, deliveries, kills, histories }));
    // Assess
    expect(verdict.duplicatesInWindow).toEqual({ messages: 1, extraReplies: 1, tags: ['[m1]'] });
    expect(verdict.duplicatesOutside).toEqual({ messages: 2, extraReplies: 2, tags: ['[m2]', '[m3]'] });
    expect(verdict.failures).toEqual(['2 messages answered more than once outside the crash-after-delivery window']);
  });

  it('fails unanswered messages and replies that name no message', () => {
    // Act
    const verdict = checkSoak(records({ deliveries: [{ msgId: undefined, seq: 1, via: 'groupSend', text: '出错了' }] }));
    // Assess
    expect(verdict.unanswered).toEqual(['[m1]']);
    expect(verdict.failures).toEqual(['1 messages unanswered', '1 replies could not be attributed to a message']);
  });

  it('finds a model answer missing from history, accepts it in an archived copy, and needs none for an error text', () => {
    // Prepare
    const messages = [message(1), message(2), message(3)];
    const deliveries = [reply(1, 1), reply(2, 1), reply(3, 1, '模型服务暂时不可用，请稍后再试。')];
    const histories = [{ key: `${PREFIX}archive/c2-1.jsonl`, text: turn(2) }, { key: `${PREFIX}c1.jsonl`, text: turn(9) }];
    // Act
    const verdict = checkSoak(records({ messages, deliveries, histories }));
    // Assess
    expect(verdict.lostTurns).toEqual(['[m1]']);
    expect(verdict.replacedHistories).toBe(1);
  });

  it('fails a history object with a line that is not JSON, unless the worker moved it to the archive', () => {
    // Prepare
    const histories = [
      { key: `${PREFIX}c1.jsonl`, text: `${turn(1)}{"t":"tur` },
      { key: `${PREFIX}archive/c1-old.jsonl`, text: 'not json\n' },
    ];
    // Act
    const verdict = checkSoak(records({ deliveries: [reply(1, 1)], histories }));
    // Assess
    expect(verdict.unreadableHistories).toEqual([`${PREFIX}c1.jsonl`]);
    expect(verdict.failures).toEqual(['1 history objects with lines that are not JSON']);
  });

  it('excuses a second complete model answer only when a kill lost the first before any record reached OSS', () => {
    // Prepare
    const messages = [message(1), message(2), message(3)];
    const deliveries = [reply(1, 9), reply(2, 9), reply(3, 9)];
    const modelCalls = [call(1, 1), call(1, 5), call(2, 1), call(2, 5), call(3, 1, 'cut'), call(3, 2), call(3, 3, 'rate-limited')];
    const kills = [kill(1, 3), kill(2, 3)];
    // Message 2's answer was recorded before the kill, so the retry should have delivered it instead of asking again.
    const recordAppends = [{ msgId: 'msg2', seq: 2, status: 200 }];
    const histories = messages.map((m, index) => ({ key: m.historyKey, text: turn(index + 1) }));
    // Act
    const verdict = checkSoak(records({ messages, deliveries, modelCalls, kills, recordAppends, histories }));
    // Assess
    expect(verdict.modelCalls.repeatedAnswers).toEqual({ excused: ['[m1]'], unexcused: ['[m2]'] });
    expect(verdict.modelCalls.callsPerMessage).toEqual({ 2: 2, 3: 1 });
    expect(verdict.failures).toEqual(['1 messages got a second complete model answer without a lost first one']);
  });
});

describe('the soak plan', () => {
  it('is the same for the same seed and different for another', () => {
    // Prepare
    const options = { messages: 200, senders: 50, groups: 5, faultRate: 0.4, maxSlowWebhooks: 3 };
    // Act
    const [a, b, c] = [planSoak({ ...options, seed: 7 }), planSoak({ ...options, seed: 7 }), planSoak({ ...options, seed: 8 })];
    // Assess
    expect(a).toEqual(b);
    expect(a.map((m) => m.fault?.kind)).not.toEqual(c.map((m) => m.fault?.kind));
    expect(a.filter((m) => m.fault?.kind === 'webhook-slow').length).toBeLessThanOrEqual(3);
    expect(new Set(a.map((m) => m.msgId)).size).toBe(200);
  });
});
