import { startE2eStack, type E2eStack } from './e2e-stack';

const ok = (response: Response): void => expect(response.status).toBe(200);
const texts = (e2e: E2eStack): string[] => e2e.dingtalk.messages.map((message) => message.text);
/** The smallest valid PNG: a 1×1 transparent pixel. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

describe('end to end: commands, reasoning models and media (markdown replies)', () => {
  let e2e: E2eStack;
  beforeEach(async () => {
    e2e = await startE2eStack({
      env: { OPENAI_MODELS: 'fake-model,fake-large,fake-vision', OPENAI_VISION_MODELS: 'fake-vision', REPLY_MAX_CHARS: '300' },
    });
  });
  afterEach(async () => {
    await e2e.close();
  });

  it('hides <think> blocks and reasoning_content from the user and from history', async () => {
    // Prepare
    e2e.openai.enqueue({ text: '<think>先想一想用户要什么</think>\n\n最终答案', reasoning: '另一段推理' });
    // Act
    ok(await e2e.send({ text: '推理模型' }));
    await e2e.drain();
    // Assess
    expect(texts(e2e)).toEqual(['最终答案']);
    const turn = (await e2e.history()).find((record) => record.t === 'turn');
    expect(turn?.t === 'turn' && turn.assistant).toBe('最终答案');
  });

  it('sets, shows and applies a persona per conversation, and reset clears it', async () => {
    // Act
    ok(await e2e.send({ text: '/system 你是一只猫，每句话以喵结尾' }));
    await e2e.drain();
    ok(await e2e.send({ text: '/人设' }));
    await e2e.drain();
    ok(await e2e.send({ text: '你好' }));
    await e2e.drain();
    ok(await e2e.send({ text: '新对话' }));
    await e2e.drain();
    ok(await e2e.send({ text: '再问一次' }));
    await e2e.drain();
    // Assess
    expect(texts(e2e)[0]).toContain('已设定本会话的人设');
    expect(texts(e2e)[1]).toContain('你是一只猫，每句话以喵结尾');
    const systems = e2e.openai.requests.map((request) => request.body.messages[0].content);
    expect(systems[0]).toBe('你是一只猫，每句话以喵结尾');
    expect(systems[1]).not.toContain('猫');
  });

  it('lists the allowed models, switches to one, refuses others, and keeps the choice across a reset', async () => {
    // Act
    for (const text of ['/model', '/model fake-large', '/model gpt-9', '用大模型回答', '新对话', '还是大模型吗']) {
      ok(await e2e.send({ text }));
      await e2e.drain();
    }
    // Assess
    const [list, chosen, refused] = texts(e2e);
    expect(list).toContain('**fake-model**（当前）');
    expect(list).toContain('fake-vision · 支持图片');
    expect(chosen).toContain('fake-large');
    expect(refused).toContain('gpt-9');
    expect(e2e.openai.requests.map((request) => request.body.model)).toEqual(['fake-large', 'fake-large']);
  });

  it("reports the conversation's token use", async () => {
    // Act
    for (const text of ['/usage', '第一问', '第二问', '/用量']) {
      ok(await e2e.send({ text }));
      await e2e.drain();
    }
    // Assess
    const [empty, , , usage] = texts(e2e);
    expect(empty).toContain('用量为 0');
    expect(usage).toMatch(/共 2 轮对话/);
    expect(usage).toMatch(/合计 [\d,]+ tokens/);
  });

  it('answers an unknown slash command with help instead of asking the model', async () => {
    // Act
    ok(await e2e.send({ text: '/foo 参数' }));
    await e2e.drain();
    // Assess
    const help = texts(e2e).join('\n');
    expect(help).toContain('没有「/foo」这个命令');
    expect(help).toContain('/system');
    expect(e2e.openai.requests).toHaveLength(0);
  });

  it("uses DingTalk's recognition of a voice message as the question", async () => {
    // Act
    ok(await e2e.send({ text: '', media: { msgtype: 'audio', content: { downloadCode: 'voice-1', recognition: '明天会下雨吗' } } }));
    await e2e.drain();
    // Assess
    expect(texts(e2e)).toEqual(['回答：明天会下雨吗（共 2 条消息）']);
  });

  it('sends a picture to a vision-capable model as image input, and keeps only a mention of it in history', async () => {
    // Prepare
    e2e.dingtalk.addFile('picture-code-1', { body: PNG, contentType: 'application/octet-stream' });
    ok(await e2e.send({ text: '/model fake-vision' }));
    await e2e.drain();
    // Act
    ok(await e2e.send({ text: '', media: { msgtype: 'richText', content: { richText: [{ text: '图里是什么？' }, { type: 'picture', downloadCode: 'picture-code-1' }] } } }));
    await e2e.drain();
    // Assess
    const parts = e2e.openai.requests[0]?.body.messages.at(-1).content;
    expect(parts).toEqual([
      { type: 'text', text: '图里是什么？' },
      { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG.toString('base64')}` } },
    ]);
    const turn = (await e2e.history()).find((record) => record.t === 'turn');
    expect(turn).toMatchObject({ user: '图里是什么？', images: 1 });
    expect(JSON.stringify(turn)).not.toContain(PNG.toString('base64'));
  });

  it('tells the user the current model cannot read pictures, without calling it', async () => {
    // Act
    ok(await e2e.send({ text: '', media: { msgtype: 'picture', content: { downloadCode: 'picture-code-2' } } }));
    await e2e.drain();
    // Assess
    expect(texts(e2e)[0]).toContain('当前模型（fake-model）不能识别图片');
    expect(texts(e2e)[0]).toContain('/model fake-vision');
    expect(e2e.openai.requests).toHaveLength(0);
  });

  it.each([
    ['file', { fileName: 'a.zip', downloadCode: 'f' }],
    ['video', { duration: '5', videoType: 'mp4', downloadCode: 'v' }],
  ])('says what is supported when a %s arrives', async (msgtype, content) => {
    // Act
    ok(await e2e.send({ text: '', media: { msgtype, content } }));
    await e2e.drain();
    // Assess
    expect(texts(e2e)[0]).toMatch(/暂不支持.*消息。目前支持：文字、语音/);
  });

  it('splits a long markdown answer between paragraphs and code blocks, never inside a code block', async () => {
    // Prepare
    const code = ['```python', ...Array.from({ length: 6 }, (_, n) => `print("line ${n}")`), '```'].join('\n');
    const prose = (n: number): string => `第${n}段说明文字。`.repeat(8);
    const answer = [prose(1), code, prose(2), prose(3), code, prose(4)].join('\n\n');
    e2e.openai.enqueue({ text: answer });
    // Act
    ok(await e2e.send({ text: '长代码回答' }));
    await e2e.drain();
    // Assess
    const parts = texts(e2e);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(300);
      expect((part.match(/```/g) ?? []).length % 2).toBe(0);
    }
    expect(parts.join('\n\n')).toBe(answer);
  });
});
