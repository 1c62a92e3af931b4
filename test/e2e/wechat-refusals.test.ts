import { request } from 'node:http';
import { WECHAT } from '../helpers/wechat-rig';
import { startWechatE2e, WECHAT_PREFIX, type WechatE2e } from './wechat-stack';

/** Requests to /wechat that WeChat did not sign, or could not have sent: refused, nothing handed over or stored. */
describe('end to end: WeChat requests refused', () => {
  let wx: WechatE2e;
  beforeAll(async () => {
    wx = await startWechatE2e();
  });
  afterAll(async () => wx.close());

  /** POSTs `body` to /wechat with `query`, as raw HTTP. */
  const post = (query: Record<string, string>, body: string) =>
    new Promise<number>((resolve, reject) => {
      const target = new URL(`${wx.e2e.stack.url}/wechat`);
      for (const [name, value] of Object.entries(query)) target.searchParams.set(name, value);
      const req = request(target, { method: 'POST', headers: { 'content-type': 'text/xml' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });

  it.each([
    ['a forged signature', () => {
      const signed = wx.platform().signedRequest(wx.platform().messageXml(WECHAT.user, { type: 'text', content: '伪造' }, Math.floor(Date.now() / 1000)));
      return post({ ...signed.query, signature: 'f'.repeat(40) }, signed.body);
    }],
    ['a request signed with another token', async () => {
      const delivery = await wx.platform({ token: 'someoneElsesToken' }).send(WECHAT.user, { type: 'text', content: '错的令牌' });
      return typeof delivery.attempts[0] === 'number' ? delivery.attempts[0] : 0;
    }],
    ['malformed XML', () => {
      const signed = wx.platform().signedRequest('<xml><ToUserName><![CDATA[gh_x]]></ToUserName><Content>');
      return post(signed.query, signed.body);
    }],
    ['an oversized body', () => {
      const signed = wx.platform().signedRequest(wx.platform().messageXml(WECHAT.user, { type: 'text', content: '长'.repeat(40_000) }, Math.floor(Date.now() / 1000)));
      return post(signed.query, signed.body);
    }],
  ])('refuses %s with a 4xx and hands nothing over', async (_name, send) => {
    // Act
    const status = await send();
    await wx.e2e.drain();
    // Assess
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    expect(wx.e2e.stack.asyncAccepted()).toBe(0);
    expect(wx.e2e.stack.oss.requests.filter((entry) => entry.key.startsWith(WECHAT_PREFIX))).toEqual([]);
    expect(wx.ossWrites()).toEqual([]);
  });
});
