import axios from 'axios';
import { createCallMeter } from '../../../../../shared/channels/dingtalk/call-meter';
import { createAccessTokenProvider } from '../../../../../shared/channels/dingtalk/access-token';
import { DingTalkApiError } from '../../../../../shared/errors';
import { STAND_IN_APP_KEY, STAND_IN_APP_SECRET, type DingTalkStandIn, startDingTalkStandIn } from '../../../../../local/dingtalk/dingtalk-stand-in';

describe('createAccessTokenProvider', () => {
  const http = axios.create({ timeout: 5000 });
  let fake: DingTalkStandIn;
  let clock: number;
  const tokenRequests = (): number => fake.requests.filter((request) => request.route === 'token').length;
  const provider = (overrides: { appSecret?: string } = {}) =>
    createAccessTokenProvider({
      http,
      apiBase: fake.url,
      appKey: STAND_IN_APP_KEY,
      appSecret: overrides.appSecret ?? STAND_IN_APP_SECRET,
      now: () => clock,
    });

  beforeEach(async () => {
    fake = await startDingTalkStandIn();
    clock = 1_700_000_000_000;
  });
  afterEach(() => fake.close());

  it("counts a fetch on the meter of the caller that started it, and a cached token on nobody's", async () => {
    // Prepare
    const tokens = provider();
    const [first, second, later] = [createCallMeter(), createCallMeter(), createCallMeter()];

    // Act
    await Promise.all([tokens.get(first), tokens.get(second)]);
    await tokens.get(later);

    // Assess
    expect([first.total(), second.total(), later.total()]).toEqual([1, 0, 0]);
    expect(first.byEndpoint()).toEqual({ '/v1.0/oauth2/accessToken': 1 });
  });

  it('does not count a token request that never reached DingTalk', async () => {
    // Prepare: nothing listens on the port any more
    const url = fake.url;
    await fake.close();
    const meter = createCallMeter();
    const tokens = createAccessTokenProvider({ http, apiBase: url, appKey: STAND_IN_APP_KEY, appSecret: STAND_IN_APP_SECRET });

    // Act
    const error = await tokens.get(meter).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(DingTalkApiError);
    expect(meter.total()).toBe(0);
    fake = await startDingTalkStandIn();
  });

  it('asks DingTalk once and reuses the token while it is fresh', async () => {
    // Prepare
    const tokens = provider();

    // Act
    const first = await tokens.get();
    clock += 60 * 60 * 1000;
    const second = await tokens.get();

    // Assess
    expect(first).toMatch(/^fake-token-/);
    expect(second).toBe(first);
    expect(tokenRequests()).toBe(1);
    expect(fake.requests[0]?.body).toEqual({ appKey: STAND_IN_APP_KEY, appSecret: STAND_IN_APP_SECRET });
  });

  it('shares one request between concurrent callers', async () => {
    // Prepare
    const tokens = provider();

    // Act
    const results = await Promise.all([tokens.get(), tokens.get(), tokens.get(), tokens.get()]);

    // Assess
    expect(new Set(results).size).toBe(1);
    expect(tokenRequests()).toBe(1);
  });

  it('refreshes five minutes before DingTalk says the token expires', async () => {
    // Prepare
    const tokens = provider();
    const first = await tokens.get();
    const refreshAt = clock + 7200 * 1000 - 5 * 60 * 1000;

    // Act
    clock = refreshAt - 1;
    const justBefore = await tokens.get();
    clock = refreshAt;
    const atMargin = await tokens.get();

    // Assess
    expect(justBefore).toBe(first);
    expect(atMargin).not.toBe(first);
    expect(tokenRequests()).toBe(2);
  });

  it('fetches a new token after invalidate()', async () => {
    // Prepare
    const tokens = provider();
    const first = await tokens.get();

    // Act
    tokens.invalidate(first);
    const second = await tokens.get();

    // Assess
    expect(second).not.toBe(first);
    expect(tokenRequests()).toBe(2);
  });

  it('keeps a fresh token when a caller reports an older rejected one', async () => {
    // Prepare
    const tokens = provider();
    const stale = await tokens.get();
    tokens.invalidate(stale);
    const fresh = await tokens.get();

    // Act
    tokens.invalidate(stale);
    const after = await tokens.get();

    // Assess
    expect(after).toBe(fresh);
    expect(tokenRequests()).toBe(2);
  });

  it('does not cache a token whose request started before invalidate()', async () => {
    // Prepare
    const tokens = provider();
    const pending = tokens.get();

    // Act
    tokens.invalidate();
    const started = await pending;
    const next = await tokens.get();

    // Assess
    expect(next).not.toBe(started);
    expect(tokenRequests()).toBe(2);
  });

  it('rejects with DingTalk status and code, never the secret, when the credentials are wrong', async () => {
    // Prepare
    const tokens = provider({ appSecret: 'wrong-secret-value' });

    // Act
    const error = await tokens.get().catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(DingTalkApiError);
    expect(error).toMatchObject({ status: 401, apiCode: 'invalidClientSecret' });
    expect(JSON.stringify({ message: (error as Error).message, cause: (error as Error).cause })).not.toContain('wrong-secret');
  });

  it.each([
    ['a server error', { status: 500, body: { code: 'ServiceUnavailable' } }, 500],
    ['a dropped connection', 'hangup' as const, undefined],
  ])('does not cache %s, and the next call succeeds', async (_label, failure, status) => {
    // Prepare
    const tokens = provider();
    fake.failNext('token', 1, failure);

    // Act
    const error = await tokens.get().catch((caught: unknown) => caught);
    const token = await tokens.get();

    // Assess
    expect(error).toBeInstanceOf(DingTalkApiError);
    expect((error as DingTalkApiError).status).toBe(status);
    expect(token).toMatch(/^fake-token-/);
  });
});
