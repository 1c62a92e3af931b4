import { STAND_IN_CARD_TEMPLATE_ID } from '../../../../local/dingtalk/dingtalk-stand-in';
import { localDingTalk, standInEnv, standInWebhookHost, startLocalDingTalkStandIn } from '../../../../local/dingtalk/local-dingtalk';
import { LOCAL_DEFAULTS } from '../../../../local/local-env';

const defaultApp = { DINGTALK_APP_KEY: 'local-app-key', DINGTALK_APP_SECRET: 'local-app-secret-change-me' };

describe('localDingTalk', () => {
  it('uses the stand-in when .env names no DingTalk app and no API base', () => {
    expect(localDingTalk(defaultApp, ['DINGTALK_APP_KEY', 'DINGTALK_APP_SECRET']).useStandIn).toBe(true);
  });

  it('uses the stand-in when .env spells out the local default app key', () => {
    expect(localDingTalk({ ...defaultApp, DINGTALK_APP_KEY: LOCAL_DEFAULTS['DINGTALK_APP_KEY'] ?? '' }, []).useStandIn).toBe(true);
  });

  it('talks to real DingTalk when .env has a real app', () => {
    expect(localDingTalk({ DINGTALK_APP_KEY: 'dingrealappkey', DINGTALK_APP_SECRET: 's' }, []).useStandIn).toBe(false);
  });

  it('leaves a DINGTALK_API_BASE from .env alone, even with the default app', () => {
    const env = { ...defaultApp, DINGTALK_API_BASE: 'http://127.0.0.1:7001' };
    expect(localDingTalk(env, ['DINGTALK_APP_KEY']).useStandIn).toBe(false);
  });
});

describe('standInEnv', () => {
  const standIn = { url: 'http://127.0.0.1:45678' };

  it("points the functions at the stand-in and its card template", () => {
    expect(standInEnv(standIn, defaultApp)).toEqual({
      ...defaultApp,
      DINGTALK_API_BASE: 'http://127.0.0.1:45678',
      DINGTALK_CARD_TEMPLATE_ID: STAND_IN_CARD_TEMPLATE_ID,
    });
  });

  it('keeps a card template the user set', () => {
    expect(standInEnv(standIn, { ...defaultApp, DINGTALK_CARD_TEMPLATE_ID: 'my-template.schema' })['DINGTALK_CARD_TEMPLATE_ID']).toBe('my-template.schema');
  });

  it("gives the stand-in's host:port for the webhook allow-list", () => {
    expect(standInWebhookHost(standIn)).toBe('127.0.0.1:45678');
  });
});

describe('startLocalDingTalkStandIn', () => {
  it("accepts the environment's app key and secret, with the app key as robotCode", async () => {
    const standIn = await startLocalDingTalkStandIn({ DINGTALK_APP_KEY: 'ding-env-key', DINGTALK_APP_SECRET: 'env-secret' });
    try {
      const tokenFor = (appKey: string, appSecret: string) =>
        fetch(`${standIn.url}/v1.0/oauth2/accessToken`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ appKey, appSecret }),
        }).then((response) => response.status);

      expect(await tokenFor('ding-env-key', 'env-secret')).toBe(200);
      expect(await tokenFor('ding-env-key', 'another-secret')).toBe(401);
      expect(standIn.robotCode).toBe('ding-env-key');
    } finally {
      await standIn.close();
    }
  });

  it('publishes the card template the user set, so cards still work against the stand-in', async () => {
    const env = { ...defaultApp, DINGTALK_CARD_TEMPLATE_ID: 'my-template.schema' };
    const standIn = await startLocalDingTalkStandIn(env);
    try {
      const token = await fetch(`${standIn.url}/v1.0/oauth2/accessToken`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ appKey: env.DINGTALK_APP_KEY, appSecret: env.DINGTALK_APP_SECRET }),
      }).then(async (response) => ((await response.json()) as { accessToken: string }).accessToken);
      const created = await fetch(`${standIn.url}/v1.0/card/instances/createAndDeliver`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-acs-dingtalk-access-token': token },
        body: JSON.stringify({
          cardTemplateId: 'my-template.schema',
          outTrackId: 'card-1',
          callbackType: 'STREAM',
          cardData: { cardParamMap: { content: '' } },
          openSpaceId: 'dtv1.card//IM_ROBOT.zhangsan',
          imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT' },
        }),
      });

      expect(created.status).toBe(200);
      expect(standIn.cards.map((card) => card.templateId)).toEqual(['my-template.schema']);
    } finally {
      await standIn.close();
    }
  });
});
