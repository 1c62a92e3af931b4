import { robotSecretsOf } from '../../../../../shared/controls/config/controls-file';

describe('robotSecretsOf: the secrets the logger masks, even while the settings are broken', () => {
  it('gives the values of the variables the robots name, and nothing for a file that is not JSON', () => {
    const text = JSON.stringify({ robots: { sales: { appSecretVariable: 'SALES_APP_SECRET' }, hr: { appSecretVariable: 'HR_APP_SECRET' }, dingtalk: {} } });
    expect(robotSecretsOf(text, { SALES_APP_SECRET: 'sales-secret', HR_APP_SECRET: '' })).toEqual(['sales-secret']);
    expect(robotSecretsOf('{ not json', { SALES_APP_SECRET: 'sales-secret' })).toEqual([]);
    expect(robotSecretsOf(undefined, {})).toEqual([]);
  });
});
