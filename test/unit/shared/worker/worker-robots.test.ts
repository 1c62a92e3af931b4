import { createDingTalkChannel } from '../../../../shared/channels/dingtalk/dingtalk-channel';
import type { Replier } from '../../../../shared/channels/dingtalk/replier';
import { loadRobots } from '../../../../shared/controls/config/load-robots';
import { createConversationHistory } from '../../../../shared/history/conversation-history';
import { historyLimits } from '../../../../shared/history/history-limits';
import { createMessageClaims } from '../../../../shared/history/message-claims';
import { createLogger } from '../../../../shared/logging/logger';
import { createMemoryAppendLog } from '../../../../shared/storage/memory/memory-append-log';
import { createWorkerHandler } from '../../../../shared/worker/create-worker-handler';
import { createWorkerRobots } from '../../../../shared/worker/worker-robots';
import { captureLog, createWorkerEvent, fcContext } from '../../../helpers/builders';
import { createImageFetcher, createWorkerSettings } from '../../../helpers/worker-settings';

const CONTROLS = JSON.stringify({
  defaults: { access: { admins: ['boss'] } },
  robots: {
    dingtalk: { persona: '主助手' },
    sales: { appKey: 'ding-sales', appSecretVariable: 'SALES_APP_SECRET', persona: '销售助手', cardTemplateId: 'tpl.sales', models: { default: 'big' } },
    hr: { appKey: 'ding-hr', appSecretVariable: 'HR_APP_SECRET', access: { admins: ['hr-lead'] } },
  },
});
const ENV = { DINGTALK_APP_KEY: 'ding-main', DINGTALK_APP_SECRET: 'main-secret', SALES_APP_SECRET: 'sales-secret' };
const CADENCE = { minIntervalMs: 500, minGrowthChars: 20, maxChars: 2000 };

function setup() {
  const log = captureLog();
  const replies: Array<{ robot: string; msgId: string }> = [];
  const built: string[] = [];
  const settings = createWorkerSettings();
  const resolve = createWorkerRobots({
    robots: loadRobots(CONTROLS, ENV),
    settings,
    cardCadence: CADENCE,
    dingtalkChannel: (robot) => {
      built.push(robot.name);
      const replier: Replier = {
        reply: async (message) => {
          replies.push({ robot: robot.name, msgId: message.msgId });
          return { parts: 1, skipped: 0, via: ['webhook'], uncertain: 0 };
        },
      };
      return createDingTalkChannel({ replier, cards: undefined, files: createImageFetcher() });
    },
    logger: createLogger({ service: 'test', write: log.write }),
  });
  const store = createMemoryAppendLog();
  const handler = createWorkerHandler({
    settings,
    robots: resolve,
    createStorage: () => ({
      history: createConversationHistory({ log: store.log, ...historyLimits(settings.history) }),
      claims: createMessageClaims({ log: store.log, prefix: 'messages/' }),
    }),
    model: undefined,
    channels: {},
    logger: createLogger({ service: 'test', write: log.write }),
    now: Date.now,
    defaultTimeoutSeconds: 60,
  });
  const run = (event: unknown) => handler(Buffer.from(JSON.stringify(event)), fcContext);
  return { resolve, run, replies, built, log, settings };
}

describe('the worker’s robots', () => {
  it('give each robot its persona, models, card and a history prefix of its own, the env robot keeping its keys', () => {
    // Prepare
    const { resolve, settings } = setup();
    // Act
    const main = resolve(createWorkerEvent());
    const sales = resolve({ ...createWorkerEvent(), robot: 'sales' });
    // Assess
    expect(main?.settings.systemPrompt).toBe('主助手');
    expect(main?.settings.history.prefix).toBe(settings.history.prefix);
    expect(sales?.settings.systemPrompt).toBe('销售助手');
    expect(sales?.settings.history.prefix).toBe(`${settings.history.prefix}robots/sales/`);
    expect(sales?.settings.models).toEqual({ default: 'big', allowed: ['big', ...settings.models.allowed.filter((m) => m !== 'big')], vision: settings.models.vision });
    expect(sales?.settings.card).toEqual(CADENCE);
    expect(sales?.controls.access.admins).toEqual(['boss']);
  });

  it('answer an event through the channel of the robot it names, built once per instance', async () => {
    // Prepare
    const { run, replies, built } = setup();
    // Act
    await run({ ...createWorkerEvent({ msgId: 'm1', robotCode: 'ding-sales' }), robot: 'sales' });
    await run({ ...createWorkerEvent({ msgId: 'm2', robotCode: 'ding-sales' }, 'delivery-0002'), robot: 'sales' });
    await run(createWorkerEvent({ msgId: 'm3', robotCode: 'ding-main' }, 'delivery-0003'));
    // Assess
    expect(replies).toEqual([
      { robot: 'sales', msgId: 'm1' },
      { robot: 'sales', msgId: 'm2' },
      { robot: 'dingtalk', msgId: 'm3' },
    ]);
    expect(built).toEqual(['sales', 'dingtalk']);
  });

  it('drop the events of a robot without its secret or not in the file, and name the missing variable at start', async () => {
    // Prepare
    const { run, replies, log } = setup();
    // Act
    const hr = await run({ ...createWorkerEvent({ msgId: 'm1' }), robot: 'hr' });
    const unknown = await run({ ...createWorkerEvent({ msgId: 'm2' }), robot: 'nobody' });
    // Assess
    expect([hr, unknown]).toEqual(['refused', 'refused']);
    expect(replies).toEqual([]);
    const errors = log.entries().filter((entry) => entry['level'] === 'error');
    expect(errors[0]).toEqual(expect.objectContaining({ robot: 'hr', variable: 'HR_APP_SECRET' }));
    expect(errors.filter((entry) => String(entry['msg'] ?? entry['message']).includes('does not serve its channel or robot'))).toHaveLength(2);
  });
});
