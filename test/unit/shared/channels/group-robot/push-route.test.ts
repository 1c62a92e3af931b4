import { parseWebhookHosts } from '../../../../../shared/channels/dingtalk/webhook-hosts';
import { parseChannelsConfig } from '../../../../../shared/channels/group-robot/channels-config';
import { GroupRobotMessageSchema, type GroupRobotWorkerEvent } from '../../../../../shared/channels/group-robot/group-robot-message';
import { createPushRoute } from '../../../../../shared/channels/group-robot/push-route';
import { createCallbackRouter } from '../../../../../shared/callback/router';
import { TASK_ID_PATTERN } from '../../../../../shared/fc/fc-invoker';
import { createLogger } from '../../../../../shared/logging/logger';
import * as v from 'valibot';
import { captureLog, createFcHttpEvent, fcContext } from '../../../../helpers/builders';

const TOKEN = 'push-token-0123456789abcdef';
const config = parseChannelsConfig(
  JSON.stringify({ robots: { ops: { webhook: `https://oapi.dingtalk.com/robot/send?access_token=${'a'.repeat(64)}`, keywords: ['告警'] } } }),
  'config/channels.json',
  parseWebhookHosts(['oapi.dingtalk.com']),
);

function setup(options: { pushToken?: string | undefined; duplicate?: boolean } = {}) {
  const handedOver: Array<{ event: GroupRobotWorkerEvent; taskId: string }> = [];
  const log = captureLog();
  const logger = createLogger({ service: 'test', write: log.write });
  const route = createPushRoute({
    pushToken: 'pushToken' in options ? options.pushToken : TOKEN,
    readConfig: async () => config,
    handOver: async (event, taskId) => {
      handedOver.push({ event, taskId });
      return { duplicate: options.duplicate ?? false };
    },
    now: () => 1_767_574_800_000,
    logger,
    maxBodyBytes: 1024,
    newId: () => 'fresh-id-1',
  });
  // As the callback function serves it: behind the router, which maps what the route refuses to the response.
  const handler = createCallbackRouter({ routes: [route], maxBodyBytes: 64 * 1024, logger });
  const send = (request: { method?: string; headers?: Record<string, string>; body?: string; json?: unknown }) =>
    handler(
      createFcHttpEvent({
        path: '/push',
        method: request.method ?? 'POST',
        headers: request.headers ?? { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: request.body ?? JSON.stringify(request.json ?? { robot: 'ops', prompt: '构建失败了，原因是什么？' }),
      }),
      fcContext,
    );
  return { route, send, handedOver, log };
}

const bodyOf = (response: { body: string }) => JSON.parse(response.body) as Record<string, unknown>;

describe('POST /push', () => {
  it('hands the prompt to the worker for the named robot and answers 202 with the id', async () => {
    // Prepare
    const { send, handedOver } = setup();
    // Act
    const response = await send({});
    // Assess
    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toEqual({ id: 'fresh-id-1' });
    expect(handedOver).toHaveLength(1);
    const [{ event, taskId } = { event: undefined, taskId: '' }] = handedOver;
    expect(event).toMatchObject({ channel: 'group-robot', receivedAt: 1_767_574_800_000 });
    expect(v.parse(GroupRobotMessageSchema, event?.message)).toEqual({ robot: 'ops', prompt: '构建失败了，原因是什么？', runId: 'push:fresh-id-1', source: 'push' });
    expect(taskId).toMatch(TASK_ID_PATTERN);
  });

  it('derives the task and delivery ids from the caller’s idempotency key, so a retried push runs once', async () => {
    // Prepare
    const { send, handedOver } = setup();
    // Act
    const first = await send({ json: { robot: 'ops', prompt: 'p', id: 'build-4711' } });
    await send({ json: { robot: 'ops', prompt: 'p', id: 'build-4711' } });
    await send({ json: { robot: 'ops', prompt: 'p', id: 'build-4712' } });
    // Assess
    expect(bodyOf(first)).toEqual({ id: 'build-4711' });
    const [a, b, c] = handedOver;
    expect(a?.taskId).toBe(b?.taskId);
    expect(a?.event.deliveryId).toBe(b?.event.deliveryId);
    expect(c?.taskId).not.toBe(a?.taskId);
  });

  it('says when FC already had that task', async () => {
    // Act
    const response = await setup({ duplicate: true }).send({ json: { robot: 'ops', prompt: 'p', id: 'build-4711' } });
    // Assess
    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toEqual({ id: 'build-4711', duplicate: true });
  });

  it.each([
    ['no Authorization header', { headers: {} }, 401],
    ['a wrong token', { headers: { authorization: 'Bearer push-token-0123456789abcdeX' } }, 401],
    ['a shorter token', { headers: { authorization: 'Bearer push' } }, 401],
    ['another scheme', { headers: { authorization: `Basic ${TOKEN}` } }, 401],
    ['a GET', { method: 'GET' }, 405],
    ['a body over the limit', { json: { robot: 'ops', prompt: 'x'.repeat(2000) } }, 413],
    ['malformed JSON', { body: '{"robot":' }, 400],
    ['no prompt', { json: { robot: 'ops' } }, 400],
    ['an unknown field', { json: { robot: 'ops', prompt: 'p', to: 'all' } }, 400],
    ['an idempotency key with spaces', { json: { robot: 'ops', prompt: 'p', id: 'a b' } }, 400],
    ['an unknown robot', { json: { robot: 'nobody', prompt: 'p' } }, 400],
  ])('refuses %s and hands nothing over', async (_, request, status) => {
    // Prepare
    const { send, handedOver } = setup();
    // Act
    const response = await send(request);
    // Assess
    expect(response.statusCode).toBe(status);
    expect(handedOver).toEqual([]);
  });

  it('checks the token before it reads the body', async () => {
    // Act
    const response = await setup().send({ headers: {}, body: '{"robot":' });
    // Assess
    expect(response.statusCode).toBe(401);
    expect(bodyOf(response)['error']).toBe('PUSH_UNAUTHORIZED');
  });

  it('names the unknown robot to an authorized caller', async () => {
    // Act
    const response = await setup().send({ json: { robot: 'nobody', prompt: 'p' } });
    // Assess
    expect(bodyOf(response)).toEqual({ error: 'ROBOT_UNKNOWN', message: 'no group robot named "nobody" in the channels config' });
  });

  it('is off, answering 404 to anyone, while PUSH_TOKEN is unset', async () => {
    // Prepare
    const { send, handedOver } = setup({ pushToken: undefined });
    // Act
    const response = await send({});
    // Assess
    expect(response.statusCode).toBe(404);
    expect(handedOver).toEqual([]);
  });

  it('never logs the token a caller showed', async () => {
    // Prepare
    const { send, log } = setup();
    // Act
    await send({ headers: { authorization: 'Bearer wrong-but-maybe-another-secret' } });
    // Assess
    expect(log.lines.join('\n')).not.toContain('wrong-but-maybe-another-secret');
    expect(log.entries()).toContainEqual(expect.objectContaining({ level: 'warn', message: 'callback refused', error: expect.objectContaining({ code: 'PUSH_UNAUTHORIZED' }) }));
  });
});
