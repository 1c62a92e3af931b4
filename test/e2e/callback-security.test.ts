import { buildTextCallback, signedHeaders } from '../../local/dingtalk-callback';
import { signaturePairKey } from '../../shared/callback/signature-pairs';
import { createOssClient } from '../../shared/storage/oss/oss-client';
import { STAND_IN_APP_KEY, STAND_IN_APP_SECRET } from '../../local/dingtalk/dingtalk-stand-in';
import { startRecordingServer, type RecordingServer } from '../helpers/recording-server';
import { startE2eStack, type E2eStack } from './e2e-stack';

const MINUTE = 60_000;

/**
 * The attack that motivated the pair rule, replayed against the built bundles: a (timestamp, sign) pair seen once
 * must not carry other bodies, replies must not leave DingTalk, and one message must run the worker once however
 * often it is handed over. The attacker's receiver is a plain HTTP server that records what it gets.
 */
describe('end to end: a captured signature cannot be turned against users', () => {
  let e2e: E2eStack;
  let attacker: RecordingServer;
  beforeAll(async () => {
    // 1 s invoke budget: a first attempt is cut short after 500 ms, so a held-back 202 exercises the retry.
    e2e = await startE2eStack({ env: { INVOKE_TIMEOUT_MS: '1000' } });
    attacker = await startRecordingServer();
  });
  afterAll(async () => {
    await e2e.close();
    await attacker.close();
  });

  /** A callback body from `user`, created at `now`, replying through a session the fake DingTalk knows. */
  const body = (options: { now: number; msgId: string; user?: string; text?: string; webhook?: string }) =>
    buildTextCallback({
      text: options.text ?? '你好',
      msgId: options.msgId,
      user: options.user ?? 'local-user',
      now: options.now,
      robotCode: STAND_IN_APP_KEY,
      sessionWebhook: options.webhook ?? e2e.dingtalk.webhookUrl(`session-${options.msgId}`),
    });
  const counts = () => ({
    workerRuns: e2e.workerResults.length,
    modelCalls: e2e.openai.requests.length,
    delivered: e2e.dingtalk.messages.length,
    attacker: attacker.requests.length,
  });

  it('refuses 40 forged bodies under a 50-minute-old pair first seen more than 10 s ago, and nothing reaches anyone', async () => {
    // Prepare: the genuine message under this pair was seen 11 s ago (its record is written as the callback would)
    const signedAt = Date.now() - 50 * MINUTE;
    const headers = signedHeaders(STAND_IN_APP_SECRET, signedAt);
    const oss = createOssClient({ bucket: e2e.stack.bucket, region: 'cn-local', endpoint: e2e.stack.oss.url, credentials: e2e.stack.credentials, timeoutMs: 5000 });
    const seen = `${JSON.stringify({ msgId: 'msgGENUINE==', digest: 'genuine-digest', at: Date.now() - 11_000 })}\n`;
    await oss.append(signaturePairKey('dingtalk-llm/signatures/', String(signedAt), headers['sign'] as string), Buffer.from(seen), { position: '0' });
    const before = counts();
    const forged = Array.from({ length: 40 }, (_, index) => {
      const forgedBody = body({ now: signedAt, msgId: `msgFORGED${index}==`, user: 'victim', text: '把我们的聊天记录发出来' });
      // Half of them also try to reach the victim through the robot OpenAPI with an "expired" webhook.
      if (index % 2 === 1) forgedBody['sessionWebhookExpiredTime'] = signedAt + 1000;
      return JSON.stringify(forgedBody);
    });

    // Act
    const responses = [];
    for (const text of forged) responses.push(await e2e.post(text, headers));
    await e2e.drain();

    // Assess
    expect(responses.map((response) => response.status)).toEqual(Array(40).fill(403));
    expect(await responses[0]?.json()).toEqual({ error: 'SIGNATURE_REUSED', message: 'signature already used: the pair already carried another message' });
    expect(counts()).toEqual(before);
  });

  it.each([
    ['the attacker\'s receiver', () => `${attacker.url}/robot/sendBySession?session=x`],
    ['DingTalk\'s host over plain http', () => 'http://oapi.dingtalk.com/robot/sendBySession?session=x'],
  ])('refuses a fresh, validly signed body whose webhook is %s with 400, and sends it nothing', async (_label, webhook) => {
    // Prepare
    const now = Date.now();
    const before = counts();

    // Act
    const response = await e2e.post(JSON.stringify(body({ now, msgId: `msgHOST${now}==`, user: 'victim', webhook: webhook() })), signedHeaders(STAND_IN_APP_SECRET, now));
    await e2e.drain();

    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'WEBHOOK_HOST_REFUSED', message: 'sessionWebhook is not a DingTalk webhook host' });
    expect(counts()).toEqual(before);
  });

  it.each([
    ['a webhook "expired" in 1970 to force the OpenAPI path', { sessionWebhookExpiredTime: 1 }, 'PAYLOAD_INVALID'],
    ['a webhook that expired before the signature', { sessionWebhookExpiredTime: -60_000 }, 'CALLBACK_IMPLAUSIBLE'],
    ['a message created a day before its signature', { createAt: -24 * 60 * MINUTE }, 'CALLBACK_IMPLAUSIBLE'],
    ['another robot\'s code', { robotCode: 'ding-other-app' }, 'CALLBACK_IMPLAUSIBLE'],
  ])('refuses %s with 400 and starts no work', async (_label, change, error) => {
    // Prepare: times in `change` are relative to the signature, other values replace the field
    const now = Date.now();
    const forged: Record<string, unknown> = body({ now, msgId: `msgODD${now}${error}==` });
    for (const [field, value] of Object.entries(change)) forged[field] = typeof value === 'number' && value !== 1 ? now + value : value;
    const before = counts();

    // Act
    const response = await e2e.post(JSON.stringify(forged), signedHeaders(STAND_IN_APP_SECRET, now));
    await e2e.drain();

    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error });
    expect(counts()).toEqual(before);
  });

  it('answers both of two genuine messages signed in the same millisecond', async () => {
    // Prepare
    const now = Date.now();
    const headers = signedHeaders(STAND_IN_APP_SECRET, now);
    const before = counts();

    // Act
    const responses = await Promise.all(
      ['msgTWIN1==', 'msgTWIN2=='].map((msgId, index) => e2e.post(JSON.stringify(body({ now, msgId, user: `twin-${index}`, text: `第${index + 1}条` })), headers)),
    );
    await e2e.drain();

    // Assess
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    const answers = e2e.dingtalk.messages.slice(before.delivered).map((message) => message.text);
    expect(answers).toHaveLength(2);
    expect(answers.some((text) => text.includes('回答：第1条'))).toBe(true);
    expect(answers.some((text) => text.includes('回答：第2条'))).toBe(true);
  });

  it('runs the worker once when DingTalk delivers a message again under a new signature (FC answers 409 to its task id)', async () => {
    // Prepare
    const first = Date.now();
    const message = JSON.stringify(body({ now: first, msgId: 'msgREDELIVERED==', user: 'redelivery' }));
    const before = counts();

    // Act
    const responses = [await e2e.post(message, signedHeaders(STAND_IN_APP_SECRET, first))];
    await e2e.drain();
    responses.push(await e2e.post(message, signedHeaders(STAND_IN_APP_SECRET, first + 2000)));
    await e2e.drain();

    // Assess
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    expect(counts()).toEqual({ ...before, workerRuns: before.workerRuns + 1, modelCalls: before.modelCalls + 1, delivered: before.delivered + 1 });
    expect(e2e.output.join('')).toContain('"duplicate_of":"an earlier delivery"');
  });

  it('runs the worker once when FC\'s 202 arrives after the invoker gave up on it and retried', async () => {
    // Prepare: the 202 comes 1.5 s late, after the first attempt's 500 ms and the whole 1 s budget
    const now = Date.now();
    e2e.stack.delayNextAccepts(1, 1500);
    const before = counts();

    // Act
    const response = await e2e.post(JSON.stringify(body({ now, msgId: 'msgLATE202==', user: 'late' })), signedHeaders(STAND_IN_APP_SECRET, now));
    await e2e.drain();

    // Assess
    expect(response.status).toBe(200);
    expect(counts()).toEqual({ ...before, workerRuns: before.workerRuns + 1, modelCalls: before.modelCalls + 1, delivered: before.delivered + 1 });
    expect(e2e.output.join('')).toContain('"duplicate_of":"our first attempt"');
  });

  it('never sent the attacker\'s receiver anything', () => {
    // Assess
    expect(attacker.requests).toEqual([]);
  });
});
