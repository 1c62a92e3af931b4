import { createCallbackRouter } from '../../../../../shared/callback/router';
import { createDingTalkRobotRoutes } from '../../../../../shared/channels/dingtalk/robot-routes';
import { parseWebhookHosts } from '../../../../../shared/channels/dingtalk/webhook-hosts';
import { dingtalkRobots, loadRobots } from '../../../../../shared/controls/config/load-robots';
import { createLogger } from '../../../../../shared/logging/logger';
import { captureLog, createDingTalkMessage, createFcHttpEvent, fcContext, signedCallbackHeaders, TEST_APP_SECRET } from '../../../../helpers/builders';

const NOW = 1_700_000_000_000;
const SALES_SECRET = 'sales-secret-0123456789';
const CONTROLS = JSON.stringify({
  robots: {
    sales: { appKey: 'ding-sales', appSecretVariable: 'SALES_APP_SECRET' },
    hr: { path: '/hr', appKey: 'ding-hr', appSecretVariable: 'HR_APP_SECRET' },
  },
});

function setup(env: Record<string, string> = { DINGTALK_APP_KEY: 'dingrobot', DINGTALK_APP_SECRET: TEST_APP_SECRET, SALES_APP_SECRET: SALES_SECRET }) {
  const payloads: Array<Record<string, unknown>> = [];
  const log = captureLog();
  const logger = createLogger({ service: 'test', write: log.write });
  const routes = createDingTalkRobotRoutes(dingtalkRobots(loadRobots(CONTROLS, env)), {
    webhookHosts: parseWebhookHosts(['oapi.dingtalk.com']),
    createInvoker: () => ({
      invokeAsync: async (payload) => {
        payloads.push(JSON.parse(payload) as Record<string, unknown>);
        return { requestId: 'async-1', duplicate: false, attempts: 1 };
      },
    }),
    createPairGuard: () => ({ admit: async () => 'first' as const }),
    logger,
    now: () => NOW,
    newDeliveryId: () => 'delivery-fixed-1',
    postNotice: async () => undefined,
    runsLocally: false,
  });
  const router = createCallbackRouter({ routes, maxBodyBytes: 8192, logger });
  const post = async (path: string, robotCode: string, secret: string) => {
    const body = JSON.stringify(createDingTalkMessage({ robotCode, text: { content: '你好' } }));
    const response = await router(createFcHttpEvent({ path, body, headers: signedCallbackHeaders(NOW, secret) }), fcContext);
    return response.statusCode;
  };
  return { post, payloads, log, paths: routes.map((route) => route.path) };
}

describe('the DingTalk robots’ routes', () => {
  it('serve each robot on its path, checked with its own secret, and name the robot in its WorkerEvent', async () => {
    // Prepare
    const { post, payloads, paths } = setup();
    // Act
    const statuses = [await post('/dingtalk/sales', 'ding-sales', SALES_SECRET), await post('/', 'dingrobot', TEST_APP_SECRET)];
    // Assess: the env robot's events carry no robot, as before there were several
    expect(paths).toEqual(['/', '/dingtalk/sales', '/hr']);
    expect(statuses).toEqual([200, 200]);
    expect(payloads.map((payload) => payload['robot'])).toEqual(['sales', undefined]);
  });

  it('refuse a robot’s callback signed with another robot’s secret or carrying another robot’s code', async () => {
    // Prepare
    const { post, payloads } = setup();
    // Act
    const statuses = [await post('/dingtalk/sales', 'ding-sales', TEST_APP_SECRET), await post('/dingtalk/sales', 'dingrobot', SALES_SECRET)];
    // Assess
    expect(statuses).toEqual([401, 400]);
    expect(payloads).toEqual([]);
  });

  it('refuse only the path of a robot whose secret variable is unset, and log the variable at start', async () => {
    // Prepare
    const { post, payloads, log } = setup();
    // Act
    const statuses = [await post('/hr', 'ding-hr', 'anything'), await post('/dingtalk/sales', 'ding-sales', SALES_SECRET)];
    // Assess
    expect(statuses).toEqual([503, 200]);
    expect(payloads).toHaveLength(1);
    expect(log.entries()[0]).toEqual(expect.objectContaining({ level: 'error', variable: 'HR_APP_SECRET', robot: 'hr', path: '/hr' }));
  });

  it('serve named robots alone in a deployment without DINGTALK_APP_KEY', async () => {
    // Prepare
    const { post, paths } = setup({ SALES_APP_SECRET: SALES_SECRET });
    // Act / Assess
    expect(paths).toEqual(['/dingtalk/sales', '/hr']);
    expect(await post('/dingtalk/sales', 'ding-sales', SALES_SECRET)).toBe(200);
    expect(await post('/', 'dingrobot', TEST_APP_SECRET)).toBe(404);
  });
});
