import { startE2eStack, type E2eStack } from './e2e-stack';

const ok = (response: Response) => expect(response.status).toBe(200);

describe('end to end: a conversation through the built bundles', () => {
  let e2e: E2eStack;
  beforeEach(async () => {
    e2e = await startE2eStack();
  });
  afterEach(async () => e2e.close());

  it('answers 1:1 through the session webhook and remembers the conversation in OSS', async () => {
    // Act
    ok(await e2e.send({ text: '我叫小明' }));
    await e2e.drain();
    ok(await e2e.send({ text: '我叫什么？' }));
    await e2e.drain();
    // Assess: the second prompt carried the first turn (system + 2 history + new = 4 messages)
    expect(e2e.dingtalk.messages.map((message) => [message.via, message.text])).toEqual([
      ['webhook', '回答：我叫小明（共 2 条消息）'],
      ['webhook', '回答：我叫什么？（共 4 条消息）'],
    ]);
    const turns = (await e2e.history()).filter((record) => record.t === 'turn');
    expect(turns.map((turn) => [turn.user, turn.assistant])).toEqual([
      ['我叫小明', '回答：我叫小明（共 2 条消息）'],
      ['我叫什么？', '回答：我叫什么？（共 4 条消息）'],
    ]);
  });

  it('costs 5 OSS requests in an ordinary turn: the signature record, the claim, the tail and record of the history, and the controls’ one admission', async () => {
    // Prepare
    ok(await e2e.send({ text: '第一句' }));
    await e2e.drain();
    const before = e2e.stack.oss.requests.length;
    // Act
    ok(await e2e.send({ text: '第二句' }));
    await e2e.drain();
    // Assess
    const turn = e2e.stack.oss.requests.slice(before);
    const operations = (prefix: string) => turn.filter((request) => request.key.startsWith(prefix)).map((request) => request.operation);
    expect(operations('dingtalk-llm/messages/')).toEqual(['AppendObject']);
    expect(operations('dingtalk-llm/history/')).toEqual(['GetObject', 'AppendObject']);
    expect(operations('dingtalk-llm/signatures/')).toEqual(['AppendObject']);
    // The one extra request the company controls may cost (docs/controls.md §1): the admission, which carries the
    // first turn's settlement with it.
    expect(operations('dingtalk-llm/controls/')).toEqual(['AppendObject']);
    expect(turn).toHaveLength(5);
  });

  it('answers a message DingTalk delivers twice exactly once', async () => {
    // Act
    ok(await e2e.send({ text: '只回答一次', msgId: 'msgDUPLICATE==' }));
    ok(await e2e.send({ text: '只回答一次', msgId: 'msgDUPLICATE==' }));
    await e2e.drain();
    ok(await e2e.send({ text: '只回答一次', msgId: 'msgDUPLICATE==' }));
    await e2e.drain();
    // Assess
    expect(e2e.dingtalk.messages).toHaveLength(1);
    expect((await e2e.history()).filter((record) => record.t === 'turn')).toHaveLength(1);
  });

  it('keeps both turns when one person sends two messages at once', async () => {
    // Prepare: each answer takes 1.5 s, so both turns are in flight together and their appends collide
    e2e.openai.enqueue({ text: '答复一', delayMs: 1500 }, { text: '答复二', delayMs: 1500 });
    // Act
    const responses = await Promise.all([e2e.send({ text: '问题甲' }), e2e.send({ text: '问题乙' })]);
    await e2e.drain();
    // Assess
    responses.forEach(ok);
    expect(e2e.dingtalk.messages.map((message) => message.text).sort()).toEqual(['答复一', '答复二']);
    const turns = (await e2e.history()).filter((record) => record.t === 'turn');
    expect(turns.map((turn) => turn.user).sort()).toEqual(['问题乙', '问题甲']);
    expect(e2e.stack.oss.requests.some((request) => request.operation === 'AppendObject' && request.status === 409)).toBe(true);
  });

  it('forgets everything on reset', async () => {
    // Prepare
    ok(await e2e.send({ text: '记住：暗号是紫色大象' }));
    await e2e.drain();
    // Act
    ok(await e2e.send({ text: '新对话' }));
    await e2e.drain();
    ok(await e2e.send({ text: '暗号是多少？' }));
    await e2e.drain();
    // Assess
    expect(e2e.dingtalk.messages.map((message) => message.text)).toEqual([
      '回答：记住：暗号是紫色大象（共 2 条消息）',
      '已开启新对话，之前的会话记录和人设已清空。',
      '回答：暗号是多少？（共 2 条消息）',
    ]);
    // A word no random id or timestamp can contain, so only a remembered turn could match
    expect(JSON.stringify(await e2e.history())).not.toContain('紫色大象');
  });

  it('answers an @-mention in a group with an @ of the sender, and an empty @ with help', async () => {
    // Act
    ok(await e2e.send({ text: '群里的问题', group: true, user: 'staff-7' }));
    ok(await e2e.send({ text: '', group: true, user: 'staff-8' }));
    await e2e.drain();
    // Assess
    const byUser = Object.fromEntries(e2e.dingtalk.messages.map((message) => [message.atUserIds?.[0], message.text]));
    expect(byUser['staff-7']).toContain('回答：群里的问题');
    expect(byUser['staff-7']).toContain('@staff-7');
    expect(byUser['staff-8']).toContain('使用说明');
  });

  it.each([
    ['1:1 chat', false, 'batchSend'],
    ['group', true, 'groupSend'],
  ])('replies through the robot OpenAPI when the session webhook has expired (%s)', async (_name, group, via) => {
    // Act
    ok(await e2e.send({ text: '过期的 webhook', group, user: 'staff-9', expiredWebhook: true }));
    await e2e.drain();
    // Assess
    expect(e2e.dingtalk.messages).toHaveLength(1);
    expect(e2e.dingtalk.messages[0]).toMatchObject({ via });
    expect(e2e.dingtalk.messages[0]?.text).toContain('回答：过期的 webhook');
    if (via === 'batchSend') expect(e2e.dingtalk.messages[0]?.userIds).toEqual(['staff-9']);
  });

  it('splits a long answer into several messages, in order, losing nothing', async () => {
    // Prepare: an answer of 12 paragraphs of 600 characters (7,200+ characters)
    const paragraphs = Array.from({ length: 12 }, (_, n) => `第${n + 1}段：${'内容'.repeat(300)}`);
    e2e.openai.enqueue({ text: paragraphs.join('\n\n') });
    // Act
    ok(await e2e.send({ text: '写一篇长文' }));
    await e2e.drain();
    // Assess
    const parts = e2e.dingtalk.messages.map((message) => message.text);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    expect(parts.every((part) => part.length <= 3000)).toBe(true);
    expect(parts.join('\n\n').replace(/\s+/g, '')).toBe(paragraphs.join('').replace(/\s+/g, ''));
  });
});
