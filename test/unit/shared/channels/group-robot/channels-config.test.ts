import { ChannelsConfigError } from '../../../../../shared/errors';
import { parseWebhookHosts } from '../../../../../shared/channels/dingtalk/webhook-hosts';
import { parseChannelsConfig, robotSecrets } from '../../../../../shared/channels/group-robot/channels-config';
import { createChannelsConfigCache } from '../../../../../shared/channels/group-robot/channels-config-cache';
import { createMemoryAppendLog } from '../../../../../shared/storage/memory/memory-append-log';

const HOSTS = parseWebhookHosts(['oapi.dingtalk.com']);
const TOKEN = 'a'.repeat(64);
const WEBHOOK = `https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}`;
const SECRET = `SEC${'0123456789abcdef'.repeat(4)}`;
const valid = {
  robots: { ops: { webhook: WEBHOOK, secret: SECRET }, team: { webhook: WEBHOOK.replace(TOKEN, 'b'.repeat(64)), keywords: ['日报'] } },
  jobs: { 'morning-digest': { robot: 'team', prompt: '总结今天要关注的事项' } },
};

function issuesOf(config: unknown): string[] {
  try {
    parseChannelsConfig(JSON.stringify(config), 'config/channels.json', HOSTS);
  } catch (error) {
    if (error instanceof ChannelsConfigError && error.problem.kind === 'invalid') return [...error.problem.issues];
    throw error;
  }
  return [];
}

describe('channels config', () => {
  it('reads robots with a secret or keywords and jobs that name them', () => {
    // Act
    const config = parseChannelsConfig(JSON.stringify(valid), 'config/channels.json', HOSTS);
    // Assess
    expect(config.robots['ops']?.secret).toBe(SECRET);
    expect(config.robots['team']?.keywords).toEqual(['日报']);
    expect(config.jobs['morning-digest']).toEqual({ robot: 'team', prompt: '总结今天要关注的事项' });
  });

  it('takes a config without jobs', () => {
    // Act
    const config = parseChannelsConfig(JSON.stringify({ robots: valid.robots }), 'k', HOSTS);
    // Assess
    expect(config.jobs).toEqual({});
  });

  it.each([
    ['a robot without any security', { robots: { ops: { webhook: WEBHOOK } } }, 'robots.ops: expected a secret (加签) or keywords'],
    ['a secret that is not SEC…', { robots: { ops: { webhook: WEBHOOK, secret: 'abc' } } }, 'robots.ops.secret: expected the SEC… secret'],
    ['an empty keyword list', { robots: { ops: { webhook: WEBHOOK, keywords: [] } } }, 'robots.ops.keywords'],
    ['a name with capitals', { robots: { Ops: { webhook: WEBHOOK, secret: SECRET } } }, 'robots.Ops: expected a name of 1–32 characters'],
    ['a webhook of another path', { robots: { ops: { webhook: 'https://oapi.dingtalk.com/robot/sendBySession?access_token=abcdefgh', secret: SECRET } } }, 'robots.ops.webhook: expected a https://oapi.dingtalk.com/robot/send'],
    ['a webhook elsewhere', { robots: { ops: { webhook: `https://example.com/robot/send?access_token=${TOKEN}`, secret: SECRET } } }, 'robots.ops.webhook: its host is not on DINGTALK_WEBHOOK_HOSTS'],
    ['a plain-http webhook', { robots: { ops: { webhook: WEBHOOK.replace('https', 'http'), secret: SECRET } } }, 'robots.ops.webhook: its host is not on DINGTALK_WEBHOOK_HOSTS'],
    ['a job of a robot that does not exist', { ...valid, jobs: { digest: { robot: 'nobody', prompt: 'hi' } } }, 'jobs.digest.robot: no robot "nobody" in robots'],
    ['a job without a prompt', { ...valid, jobs: { digest: { robot: 'ops', prompt: '  ' } } }, 'jobs.digest.prompt'],
    ['a misspelt key', { robot: valid.robots }, 'robot: unknown key'],
    ['an unknown robot field', { robots: { ops: { webhook: WEBHOOK, secret: SECRET, sign: 'x' } } }, 'robots.ops.sign: unknown key'],
  ])('refuses %s, naming the path', (_, config, expected) => {
    // Act
    const issues = issuesOf(config);
    // Assess
    expect(issues.join('\n')).toContain(expected);
  });

  it('never echoes a value in its issues', () => {
    // Act
    const issues = issuesOf({ robots: { ops: { webhook: WEBHOOK, secret: 'SEC-not-valid-but-secret' } } });
    // Assess
    expect(issues.join('\n')).not.toContain('not-valid-but-secret');
  });

  it('refuses a file that is not JSON', () => {
    // Act
    const act = () => parseChannelsConfig('{"robots":', 'config/channels.json', HOSTS);
    // Assess
    expect(act).toThrow(/config\/channels\.json is invalid: \(file\): not well-formed JSON/);
  });

  it('lists the access tokens and secrets for the logger to mask', () => {
    // Act
    const secrets = robotSecrets(parseChannelsConfig(JSON.stringify(valid), 'k', HOSTS).robots);
    // Assess
    expect(secrets.sort()).toEqual([TOKEN, 'b'.repeat(64), SECRET].sort());
  });
});

describe('channels config cache', () => {
  const KEY = 'config/channels.json';

  it('reads the object once per TTL and again after it', async () => {
    // Prepare
    const storage = createMemoryAppendLog();
    await storage.log.put(KEY, Buffer.from(`\uFEFF${JSON.stringify(valid)}`));
    let clock = 0;
    const cache = createChannelsConfigCache({ key: KEY, webhookHosts: HOSTS, now: () => clock, ttlMs: 60_000 });
    const read = storage.log.readAll.bind(storage.log);
    // Act
    const first = await cache.get(read);
    await Promise.all([cache.get(read), cache.get(read)]);
    clock = 60_000;
    await storage.log.put(KEY, Buffer.from(JSON.stringify({ robots: { ops: valid.robots.ops } })));
    const second = await cache.get(read);
    // Assess
    expect(Object.keys(first.robots)).toEqual(['ops', 'team']);
    expect(Object.keys(second.robots)).toEqual(['ops']);
    expect(storage.calls.filter((call) => call === 'readAll')).toHaveLength(2);
  });

  it('says clearly that the object is missing, and looks again on the next call', async () => {
    // Prepare
    const storage = createMemoryAppendLog();
    const cache = createChannelsConfigCache({ key: KEY, webhookHosts: HOSTS });
    const read = storage.log.readAll.bind(storage.log);
    // Act
    const missing = await cache.get(read).catch((error: unknown) => error);
    await storage.log.put(KEY, Buffer.from(JSON.stringify(valid)));
    const found = await cache.get(read);
    // Assess
    expect(missing).toBeInstanceOf(ChannelsConfigError);
    expect((missing as ChannelsConfigError).code).toBe('CHANNELS_CONFIG_MISSING');
    expect((missing as Error).message).toBe('channels config config/channels.json does not exist in the bucket');
    expect(Object.keys(found.robots)).toEqual(['ops', 'team']);
  });
});
