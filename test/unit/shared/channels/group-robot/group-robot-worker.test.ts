import { createDingTalkHttp } from '../../../../../shared/channels/dingtalk/dingtalk-http';
import { parseWebhookHosts } from '../../../../../shared/channels/dingtalk/webhook-hosts';
import { createGroupRobotWorker } from '../../../../../shared/channels/group-robot/group-robot-worker';
import { StorageError } from '../../../../../shared/errors';
import { createConversationHistory } from '../../../../../shared/history/conversation-history';
import { historyLimits } from '../../../../../shared/history/history-limits';
import { createMessageClaims } from '../../../../../shared/history/message-claims';
import { createLogger } from '../../../../../shared/logging/logger';
import { createMemoryAppendLog } from '../../../../../shared/storage/memory/memory-append-log';
import { createWorkerHandler } from '../../../../../shared/worker/create-worker-handler';
import { captureLog, fcContext } from '../../../../helpers/builders';
import { startFakeGroupRobot, type FakeGroupRobot } from '../../../../helpers/fake-group-robot';
import { createWorkerSettings } from '../../../../helpers/worker-settings';

const SECRET = `SEC${'c0ffee'.repeat(10)}`;
const TOKEN = 'opsaccesstoken0123456789';
const CONFIG_KEY = 'config/channels.json';

/** The worker handler with the group-robot parts as functions/worker/index.ts wires them, on in-memory storage. */
describe('group-robot worker parts in the worker handler', () => {
  let robot: FakeGroupRobot;
  beforeEach(async () => {
    robot = await startFakeGroupRobot({ robots: { [TOKEN]: { secret: SECRET } } });
  });
  afterEach(() => robot.close());

  /** `null`: no config object in the bucket. */
  function setup(config: unknown = { robots: { ops: { webhook: robot.webhookOf(TOKEN), secret: SECRET } }, jobs: { ping: { robot: 'ops', prompt: '早安' } } }) {
    const store = createMemoryAppendLog();
    if (config !== null) void store.log.put(CONFIG_KEY, Buffer.from(JSON.stringify(config)));
    const configReads: number[] = [];
    const log = { ...store.log, readAll: (key: string, maxBytes: number) => (key === CONFIG_KEY && configReads.push(1), store.log.readAll(key, maxBytes)) };
    const lines = captureLog();
    const logger = createLogger({ service: 'test', write: lines.write });
    const settings = createWorkerSettings();
    const groupRobot = createGroupRobotWorker({
      configKey: CONFIG_KEY,
      sendsPrefix: 'robot-sends/',
      webhookHosts: parseWebhookHosts([new URL(robot.url).host]),
      http: createDingTalkHttp({ timeoutMs: 2000 }),
      logger,
    });
    const handler = createWorkerHandler({
      settings,
      createStorage: () => ({
        history: createConversationHistory({ log, ...historyLimits(settings.history) }),
        claims: createMessageClaims({ log, prefix: 'messages/' }),
        log,
      }),
      // No model: the setup hint is the answer, enough to see where it went.
      model: undefined,
      channels: { 'group-robot': groupRobot.channel },
      adaptEvent: groupRobot.adaptEvent,
      logger,
      now: Date.now,
      defaultTimeoutSeconds: 60,
    });
    const timer = (job: string, triggerTime = '2026-01-05T01:30:00Z') =>
      handler(Buffer.from(JSON.stringify({ triggerTime, triggerName: `t-${job}`, payload: JSON.stringify({ job }) })), fcContext);
    return { handler, timer, store, log: lines, configReads };
  }

  it("posts a timer event's job into its robot's group once, however often the event comes", async () => {
    // Prepare
    const { timer } = setup();
    // Act
    const outcomes = [await timer('ping'), await timer('ping')];
    // Assess
    expect(outcomes).toEqual(['answered', 'skipped']);
    expect(robot.accepted).toHaveLength(1);
    expect(robot.accepted[0]?.body.markdown?.text).toContain('还没有配置大模型');
  });

  it('reads the channels config once for both the timer event and its channel, and not again within the minute', async () => {
    // Prepare
    const { timer, configReads } = setup();
    // Act
    await timer('ping', '2026-01-05T01:30:00Z');
    await timer('ping', '2026-01-06T01:30:00Z');
    // Assess
    expect(configReads).toHaveLength(1);
    expect(robot.accepted).toHaveLength(2);
  });

  it.each([
    ['the config is missing', () => null, 'CHANNELS_CONFIG_MISSING'],
    ['the config is invalid', () => ({ robots: {}, jobs: { ping: { robot: 'ops', prompt: 'x' } } }), 'CHANNELS_CONFIG_INVALID'],
    ['the job is not in the config', () => ({ robots: { ops: { webhook: robot.webhookOf(TOKEN), secret: SECRET } } }), 'JOB_UNKNOWN'],
  ])('drops the event, without a retry, when %s', async (_name, config, code) => {
    // Prepare
    const { timer, log } = setup(config());
    // Act
    const outcome = await timer('ping');
    // Assess
    expect(outcome).toBe('refused');
    expect(robot.answers).toEqual([]);
    expect(log.entries()).toContainEqual(expect.objectContaining({ message: 'worker event refused', error: expect.objectContaining({ code }) }));
  });

  it('throws, so that FC retries, when the config cannot be read', async () => {
    // Prepare
    const { timer, store } = setup();
    store.failNext(1);
    // Act
    const outcome = timer('ping');
    // Assess
    await expect(outcome).rejects.toBeInstanceOf(StorageError);
    expect(robot.answers).toEqual([]);
  });
});
