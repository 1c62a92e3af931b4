import { isAllowedWebhook, parseWebhookHosts, webhookHostsSetting } from '../../../../../shared/channels/dingtalk/webhook-hosts';

describe('webhook hosts', () => {
  const dingtalk = webhookHostsSetting({});
  const local = parseWebhookHosts(['127.0.0.1:9001', 'LOCALHOST:8080', '[::1]:7000']);

  it('defaults to DingTalk\'s webhook host alone', () => {
    // Assess
    expect(dingtalk).toEqual([{ hostname: 'oapi.dingtalk.com', port: undefined }]);
  });

  it.each([
    ['DingTalk over https', 'https://oapi.dingtalk.com/robot/sendBySession?session=abc', dingtalk, true],
    ['DingTalk with its default port spelled out', 'https://oapi.dingtalk.com:443/robot/sendBySession', dingtalk, true],
    ['DingTalk in capitals', 'https://OAPI.DingTalk.com/robot/sendBySession', dingtalk, true],
    ['DingTalk over plain http', 'http://oapi.dingtalk.com/robot/sendBySession', dingtalk, false],
    ['DingTalk on another port', 'https://oapi.dingtalk.com:8443/robot/sendBySession', dingtalk, false],
    ['a subdomain of an attacker', 'https://oapi.dingtalk.com.evil.example/robot', dingtalk, false],
    ['an attacker host', 'https://evil.example/robot/sendBySession', dingtalk, false],
    ['userinfo before DingTalk', 'https://oapi.dingtalk.com@evil.example/robot', dingtalk, false],
    ['credentials on DingTalk', 'https://u:p@oapi.dingtalk.com/robot', dingtalk, false],
    ['another scheme', 'ftp://oapi.dingtalk.com/robot', dingtalk, false],
    ['not a URL', 'oapi.dingtalk.com/robot', dingtalk, false],
    ['a listed loopback receiver over http', 'http://127.0.0.1:9001/robot/sendBySession?session=x', local, true],
    ['a listed localhost receiver', 'http://localhost:8080/x', local, true],
    ['a listed IPv6 loopback receiver', 'http://[::1]:7000/x', local, true],
    ['loopback on an unlisted port', 'http://127.0.0.1:9002/robot', local, false],
  ])('%s → %s', (_label, url, hosts, allowed) => {
    // Act / Assess
    expect(isAllowedWebhook(url, hosts)).toBe(allowed);
  });

  it('refuses http to a listed host that is not loopback', () => {
    // Act / Assess
    expect(isAllowedWebhook('http://hooks.example:8080/x', parseWebhookHosts(['hooks.example:8080']))).toBe(false);
    expect(isAllowedWebhook('https://hooks.example:8080/x', parseWebhookHosts(['hooks.example:8080']))).toBe(true);
  });

  it.each([['https://oapi.dingtalk.com'], ['oapi.dingtalk.com/robot'], ['host:0'], ['host:70000'], ['a b'], ['-lead.example']])(
    'refuses the entry %s, naming the variable',
    (entry) => {
      // Act / Assess
      expect(() => parseWebhookHosts([entry])).toThrow(/DINGTALK_WEBHOOK_HOSTS/);
    },
  );

  it('refuses an empty list', () => {
    // Act / Assess
    expect(() => webhookHostsSetting({ DINGTALK_WEBHOOK_HOSTS: ' , ' })).toThrow(/DINGTALK_WEBHOOK_HOSTS must list host\[:port\] entries/);
  });
});
