import { classifyFailedSend } from '../../../../../shared/channels/dingtalk/delivery-outcome';
import { DingTalkApiError } from '../../../../../shared/errors';

/**
 * The table behind "one copy when the outcome is unknown" (docs/dingtalk.md): which failed sends may go by the other
 * path, and which a later attempt could fix. The network cases are shown against real sockets in
 * dingtalk-http.test.ts and replier.test.ts; here each row of the table is pinned.
 */
describe('classifyFailedSend', () => {
  const api = (status: number | undefined, apiCode?: string) => new DingTalkApiError('failed', status, apiCode);

  it.each([
    ['no answer after connecting', new DingTalkApiError('x', undefined, undefined, { connection: 'lost-after-sending' })],
    ['HTTP 504 from the gateway', api(504)],
  ])('calls %s unknown', (_label, error) => {
    // Act
    const result = classifyFailedSend(error);

    // Assess
    expect(result).toEqual({ outcome: 'unknown' });
  });

  it.each<[string, unknown, boolean]>([
    ['a connection never established', new DingTalkApiError('x', undefined, undefined, { connection: 'never-established' }), true],
    ['an access token that could not be fetched', api(undefined), true],
    ['a webhook host that is not allowed', api(undefined, 'local.webhookHostRefused'), false],
    ['an expired webhook', api(undefined, 'local.webhookExpired'), false],
    ['a 1:1 sender without a staff id', api(undefined, 'local.noStaffId'), false],
    ['a recipient outside the visible range (invalidStaffIdList)', api(200, 'local.invalidStaffId'), false],
    ['a flow-controlled recipient', api(200, 'local.flowControlledStaffId'), true],
    ['webhook errcode 300001 (session gone)', api(200, '300001'), false],
    ['webhook errcode 310000 (security settings)', api(200, '310000'), false],
    ['webhook errcode 460101 (too long)', api(200, '460101'), false],
    ['webhook errcode 130101 (too fast)', api(200, '130101'), true],
    ['webhook errcode -1 (system busy)', api(200, '-1'), true],
    ['webhook errcode 90002 (rate limit)', api(200, '90002'), true],
    ['an unknown webhook errcode', api(200, '12345'), false],
    ['a redirect', api(302), false],
    ['400 robotCode not in the group', api(400, 'invalidParameter.robotCode.notExsit'), false],
    ['401 after the token was refreshed', api(401), false],
    ['403 IP whitelist', api(403, 'Forbidden.AccessDenied.IpNotInWhiteList'), false],
    ['403 QpsLimit', api(403, 'Forbidden.AccessDenied.QpsLimitForApi'), true],
    ['429', api(429), true],
    ['500', api(500), true],
    ['503', api(503), true],
    ['something thrown before any request', new TypeError('bug'), true],
  ])('calls %s not delivered, retryable %p', (_label, error, retryable) => {
    // Act
    const result = classifyFailedSend(error);

    // Assess
    expect(result).toEqual({ outcome: 'not-delivered', retryable });
  });
});
