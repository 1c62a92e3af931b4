import { createCallbackRouter, normalizePath } from '../../../../shared/callback/router';
import type { ChannelRoute } from '../../../../shared/channels/channel';
import { SignatureVerificationError } from '../../../../shared/errors';
import type { HttpRequest } from '../../../../shared/fc/http-event';
import { jsonResponse } from '../../../../shared/fc/http-event';
import { createLogger } from '../../../../shared/logging/logger';
import { captureLog, createFcHttpEvent, fcContext } from '../../../helpers/builders';

/** A route that answers 200 with its name and records what it was handed. */
function recordingRoute(path: string, name: string): ChannelRoute & { requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  return {
    path,
    requests,
    handle: async (request) => {
      requests.push(request);
      return jsonResponse(200, { route: name });
    },
  };
}

function setup(routes: ChannelRoute[] = [], health?: ReturnType<typeof jsonResponse>) {
  const log = captureLog();
  const router = createCallbackRouter({ routes, maxBodyBytes: 1024, logger: createLogger({ service: 'test', write: log.write }), ...(health ? { health } : {}) });
  const call = async (path: string, method = 'POST', body = '{}') => {
    const response = await router(createFcHttpEvent({ path, method, body }), fcContext);
    return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> };
  };
  return { call, log };
}

describe('callback router', () => {
  it('hands a request to the route of its path, a trailing slash or not', async () => {
    // Prepare
    const dingtalk = recordingRoute('/', 'dingtalk');
    const wechat = recordingRoute('/wechat', 'wechat');
    const { call } = setup([dingtalk, wechat]);
    // Act
    const answers = [await call('/'), await call('/wechat'), await call('/wechat/')];
    // Assess
    expect(answers.map((answer) => answer.body['route'])).toEqual(['dingtalk', 'wechat', 'wechat']);
    expect(wechat.requests.map((request) => request.path)).toEqual(['/wechat', '/wechat']);
    expect(dingtalk.requests[0]).toMatchObject({ method: 'POST', path: '/', body: Buffer.from('{}') });
  });

  it('answers a path no channel serves with 404 and starts no work', async () => {
    // Prepare
    const dingtalk = recordingRoute('/', 'dingtalk');
    const { call, log } = setup([dingtalk]);
    // Act
    const answers = [await call('/push'), await call('/wechat', 'GET'), await call('//x/')];
    // Assess
    expect(answers.map((answer) => [answer.status, answer.body['error']])).toEqual([
      [404, 'ROUTE_NOT_FOUND'],
      [404, 'ROUTE_NOT_FOUND'],
      [404, 'ROUTE_NOT_FOUND'],
    ]);
    expect(dingtalk.requests).toEqual([]);
    expect(log.entries().map((entry) => entry['msg'] ?? entry['message'])).toContain('callback refused');
  });

  it('answers GET and HEAD of the root path with the health check, without the route', async () => {
    // Prepare
    const dingtalk = recordingRoute('/', 'dingtalk');
    const { call } = setup([dingtalk]);
    // Act
    const answers = [await call('/', 'GET'), await call('/', 'HEAD')];
    // Assess
    expect(answers).toEqual([
      { status: 200, body: { status: 'ok' } },
      { status: 200, body: { status: 'ok' } },
    ]);
    expect(dingtalk.requests).toEqual([]);
  });

  it('answers the health check with what it is given: a misconfigured callback does not say it is fine', async () => {
    // Prepare
    const { call } = setup([recordingRoute('/', 'dingtalk')], jsonResponse(503, { error: 'CONFIG_INVALID' }));
    // Act / Assess
    expect(await call('/', 'GET')).toEqual({ status: 503, body: { error: 'CONFIG_INVALID' } });
  });

  it("turns a route's refusal into its HTTP answer, and refuses an oversized body before any route", async () => {
    // Prepare
    const refusing: ChannelRoute = { path: '/', handle: () => Promise.reject(new SignatureVerificationError('mismatch')) };
    const { call } = setup([refusing]);
    // Act
    const refused = await call('/');
    const oversized = await call('/', 'POST', 'x'.repeat(2048));
    // Assess
    expect([refused.status, refused.body['error']]).toEqual([401, 'SIGNATURE_INVALID']);
    expect([oversized.status, oversized.body['error']]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });

  it('normalizes paths: trailing slashes go, the root stays', () => {
    expect(['/', '', '/wechat/', '/wechat//', 'push'].map(normalizePath)).toEqual(['/', '/', '/wechat', '/wechat', '/push']);
  });
});
