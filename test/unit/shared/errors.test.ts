import { apiLimitOf, DeliveryError, DingTalkApiError, MediaError } from '../../../shared/errors';

describe('apiLimitOf', () => {
  it('reads a 90020 (any status) and a 403 QpsLimit from the DingTalk error, however it is wrapped', () => {
    const quota = new DingTalkApiError('DingTalk /v1.0/card/streaming rejected', 200, '90020');
    const qps = new DingTalkApiError('rejected', 403, 'Forbidden.AccessDenied.QpsLimitForApi');
    const download = new MediaError('MEDIA_DOWNLOAD_FAILED', 'picture download failed', { cause: qps });
    const delivery = new DeliveryError('delivered 0 of 1 reply parts', { cause: new DingTalkApiError('x', 500, '90020') });

    const newApiQuota = new DingTalkApiError('rejected', 403, 'Forbidden.AccessDenied.ApiCountLimitForOrg');

    expect([quota, qps, download, delivery, newApiQuota].map(apiLimitOf)).toEqual(['quota-exhausted', 'qps-limit', 'qps-limit', 'quota-exhausted', 'quota-exhausted']);
  });

  it('finds no limit in other failures: a QpsLimit code without a 403, a 429, a permission 403, a plain error', () => {
    const failures = [
      new DingTalkApiError('x', 400, 'QpsLimit'),
      new DingTalkApiError('x', 429),
      new DingTalkApiError('x', 403, 'Forbidden.AccessDenied.AccessTokenPermissionDenied'),
      new DingTalkApiError('session webhook rejected', 200, '300001'),
      new Error('boom', { cause: new Error('deeper') }),
      'not an error',
      undefined,
    ];
    expect(failures.map(apiLimitOf)).toEqual(failures.map(() => undefined));
  });
});
