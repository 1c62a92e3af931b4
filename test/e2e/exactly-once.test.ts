import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createOssAppendLog } from '../../shared/storage/oss/oss-append-log';
import { createOssClient } from '../../shared/storage/oss/oss-client';
import { parseRecords } from '../../shared/history/records';
import { startE2eStack, type E2eStack } from './e2e-stack';

/**
 * The promises of docs/delivery.md at the network boundary: the model is asked once per message, no state of the
 * history object blocks a conversation, and token counts add up under concurrency.
 */
describe('end to end: each message answered once, whatever the history object looks like', () => {
  let e2e: E2eStack;
  beforeEach(async () => {
    e2e = await startE2eStack({ workerTimeoutSeconds: 15 });
  });
  afterEach(async () => e2e.close());

  const client = () =>
    createOssClient({ bucket: e2e.stack.bucket, region: 'cn-local', endpoint: e2e.stack.oss.url, credentials: e2e.stack.credentials, timeoutMs: 5000 });
  // The stand-in lists no objects, so the keys come from its request log.
  const historyKeys = async () => [
    ...new Set(e2e.stack.oss.requests.map((request) => request.key).filter((key) => key.startsWith('dingtalk-llm/history/') && key.endsWith('.jsonl'))),
  ];

  it('sends the stored answer when FC retries a failed delivery, without asking the model again', async () => {
    // Prepare: the webhook and the OpenAPI both fail once (the 1:1 user has a staff id, so both paths are tried)
    e2e.dingtalk.failNext('webhook', 1, { status: 500 });
    e2e.dingtalk.failNext('batchSend', 1, { status: 500 });
    // Act
    await e2e.send({ text: '只问一次' });
    await e2e.drain();
    // Assess
    expect(e2e.openai.requests).toHaveLength(1);
    expect(e2e.dingtalk.messages.map((message) => message.text)).toHaveLength(1);
    expect(e2e.workerResults.map((entry) => entry.result.ok)).toEqual([false, true]);
    expect((await e2e.history()).filter((record) => record.t === 'turn')).toHaveLength(1);
  });

  it('answers the next message when the history object was overwritten as a Normal object, keeps a copy, and says so once', async () => {
    // Prepare
    await e2e.send({ text: '记住 42' });
    await e2e.drain();
    const [key] = await historyKeys();
    await client().put(key ?? '', Buffer.from('这不是会话记录\n'));
    // Act
    await e2e.send({ text: '第二句' });
    await e2e.drain();
    await e2e.send({ text: '第三句' });
    await e2e.drain();
    // Assess
    const texts = e2e.dingtalk.messages.map((message) => message.text);
    expect(texts).toHaveLength(3);
    expect(texts[1]).toContain('已无法继续写入');
    expect(texts[2]).not.toContain('提示');
    const archive = (await historyKeys()).find((name) => name.startsWith('dingtalk-llm/history/archive/'));
    expect((await client().get(archive ?? '')).content.toString()).toContain('这不是会话记录');
    // What the foreign object held carried no settings, so the fresh one starts with no state record.
    expect((await e2e.history()).map((record) => record.t)).toEqual(['rotated', 'turn', 'turn']);
  });

  it('still starts a new conversation on 新对话 when the object cannot be appended to', async () => {
    // Prepare
    await e2e.send({ text: '记住 42' });
    await e2e.drain();
    const [key] = await historyKeys();
    await client().put(key ?? '', Buffer.from('{"t":"turn"'));
    // Act
    await e2e.send({ text: '新对话' });
    await e2e.drain();
    // Assess
    expect(e2e.dingtalk.messages.at(-1)?.text).toContain('已开启新对话');
    expect((await e2e.history()).map((record) => record.t)).toEqual(['reset']);
  });

  it('counts 30 concurrent turns of one conversation as 30 turns with their summed tokens', async () => {
    // Act
    await Promise.all(Array.from({ length: 30 }, (_, index) => e2e.send({ text: `并发 ${index}`, msgId: `concurrent-${index}` })));
    await e2e.drain();
    await e2e.send({ text: '/usage' });
    await e2e.drain();
    // Assess
    const usage = e2e.dingtalk.messages.at(-1)?.text ?? '';
    expect(usage).toMatch(/共 30 轮对话/);
    const turns = (await e2e.history()).filter((record) => record.t === 'turn');
    expect(turns).toHaveLength(30);
    const prompt = turns.reduce((sum, turn) => sum + (turn.t === 'turn' ? (turn.tokens ?? 0) : 0), 0);
    const last = turns.at(-1);
    expect(last?.t === 'turn' && last.sum ? last.sum.prompt + last.sum.completion : 0).toBe(prompt);
    expect(usage).toContain(`合计 ${prompt.toLocaleString('en-US')} tokens`);
  });

  it('keeps each object under HISTORY_MAX_BYTES by moving a full one to a fresh object', async () => {
    // Prepare: a restart with a 64 KiB cap and 16 KiB tail
    await e2e.close();
    e2e = await startE2eStack({ env: { HISTORY_MAX_BYTES: '65536', HISTORY_TAIL_BYTES: '16384' } });
    // Act
    for (let index = 0; index < 12; index += 1) {
      await e2e.send({ text: `第 ${index} 段：${'很长的内容'.repeat(600)}` });
      await e2e.drain();
    }
    // Assess
    const client2 = client();
    const keys = await historyKeys();
    const sizes = await Promise.all(keys.map(async (name) => (await createOssAppendLog(client2).readTail(name, 1 << 20)).length));
    expect(keys.filter((name) => name.includes('/archive/')).length).toBeGreaterThan(0);
    expect(Math.max(...sizes)).toBeLessThan(65_536 + 20_000);
    const live = parseRecords((await createOssAppendLog(client2).readTail(keys.find((name) => !name.includes('/archive/')) ?? '', 1 << 20)).text).records;
    expect(live[0]?.t).toBe('rotated');
    expect(e2e.openai.requests).toHaveLength(12);
    expect(e2e.workerResults.every((entry) => entry.result.ok)).toBe(true);
  });

  it.each(['garbled', 'missing'] as const)('answers the next message when the local stand-in\'s sidecar of the object is %s', async (damage) => {
    // Prepare: the sidecar (the stand-in's metadata file) of the conversation's object is spoiled or gone
    await e2e.send({ text: '记住 42' });
    await e2e.drain();
    const metaDir = join(e2e.dataDir, e2e.stack.bucket, '.oss-meta');
    const sidecar = join(metaDir, readdirSync(metaDir).find((name) => name.includes('history')) ?? 'none');
    if (damage === 'garbled') writeFileSync(sidecar, '\u0000garbled{');
    else rmSync(sidecar);
    // Act
    await e2e.send({ text: '第二句' });
    await e2e.drain();
    // Assess
    expect(e2e.dingtalk.messages).toHaveLength(2);
    expect(e2e.dingtalk.messages[1]?.text).toContain('已无法继续写入');
    expect((await e2e.history()).map((record) => record.t)).toEqual(['rotated', 'state', 'turn']);
  });

  it('skips lines that are not records and goes on with the conversation', async () => {
    // Prepare: garbage appended to the object, as a foreign writer or a torn line would leave it
    await e2e.send({ text: '记住 42' });
    await e2e.drain();
    const [key] = await historyKeys();
    const log = createOssAppendLog(client());
    const { length } = await log.readTail(key ?? '', 1 << 20);
    await log.append(key ?? '', length, 'not json\n{"t":"turn","id":\n');
    // Act
    await e2e.send({ text: '刚才说了什么' });
    await e2e.drain();
    // Assess
    expect(e2e.dingtalk.messages).toHaveLength(2);
    expect(JSON.stringify(e2e.openai.requests.at(-1)?.body)).toContain('记住 42');
    expect((await e2e.history()).filter((record) => record.t === 'turn')).toHaveLength(2);
  });
});

describe('end to end: a redelivery that reaches the worker again', () => {
  let e2e: E2eStack;
  beforeEach(async () => {
    e2e = await startE2eStack({ forgetTasks: true });
  });
  afterEach(async () => e2e.close());

  it('is not answered again, however much was said in between', async () => {
    // Prepare: the first message, then more chat than the history tail holds
    await e2e.send({ text: '最初的问题', msgId: 'msg-first' });
    await e2e.drain();
    for (let index = 0; index < 3; index += 1) {
      await e2e.send({ text: `中间的话 ${index}：${'很长的内容'.repeat(2_000)}` });
      await e2e.drain();
    }
    // Act: DingTalk delivers the first message again, and FC no longer remembers its task id
    await e2e.send({ text: '最初的问题', msgId: 'msg-first' });
    await e2e.drain();
    // Assess
    expect(e2e.openai.requests).toHaveLength(4);
    expect(e2e.workerResults).toHaveLength(5);
    expect(e2e.output.join('')).toContain('duplicate delivery skipped');
  });
});
