import { LOCAL_DEFAULTS } from '../local-env';
import {
  type DingTalkStandIn,
  STAND_IN_CARD_CONTENT_KEY,
  STAND_IN_CARD_TEMPLATE_ID,
  startDingTalkStandIn,
} from './dingtalk-stand-in';

/**
 * Which DingTalk the local functions talk to under `npm start`. With no real app in .env (DINGTALK_APP_KEY left at
 * the local default) and no DINGTALK_API_BASE, replies would go to api.dingtalk.com with made-up credentials and fail;
 * the DingTalk stand-in answers instead, so the playground shows replies and AI cards without a DingTalk account.
 */
export interface LocalDingTalk {
  useStandIn: boolean;
  /** Why, for the start banner (Chinese, then English). */
  reason: string;
}

export function localDingTalk(env: Readonly<Record<string, string>>, defaulted: readonly string[]): LocalDingTalk {
  if (env['DINGTALK_API_BASE']) {
    return { useStandIn: false, reason: '使用 .env 中的 DINGTALK_API_BASE / DINGTALK_API_BASE from .env' };
  }
  const defaultKey = defaulted.includes('DINGTALK_APP_KEY') || env['DINGTALK_APP_KEY'] === LOCAL_DEFAULTS['DINGTALK_APP_KEY'];
  if (!defaultKey) return { useStandIn: false, reason: '使用 .env 中的钉钉应用 / the DingTalk app from .env' };
  return { useStandIn: true, reason: '未配置钉钉应用，使用本地钉钉替身 / no DingTalk app in .env: the local DingTalk stand-in' };
}

/**
 * The stand-in for this environment: it accepts the env's DINGTALK_APP_KEY and DINGTALK_APP_SECRET (robotCode = app
 * key, as for an enterprise-internal robot), and publishes its own card template plus the one .env names, if any, so
 * cards work either way.
 */
export function startLocalDingTalkStandIn(
  env: Readonly<Record<string, string>>,
  listen: { host?: string; port?: number } = {},
): Promise<DingTalkStandIn> {
  const appKey = env['DINGTALK_APP_KEY'] ?? LOCAL_DEFAULTS['DINGTALK_APP_KEY'] ?? '';
  const appSecret = env['DINGTALK_APP_SECRET'] ?? LOCAL_DEFAULTS['DINGTALK_APP_SECRET'] ?? '';
  const ownTemplate = env['DINGTALK_CARD_TEMPLATE_ID'];
  const contentKey = env['DINGTALK_CARD_CONTENT_KEY'] || STAND_IN_CARD_CONTENT_KEY;
  return startDingTalkStandIn({
    appKey,
    appSecret,
    robotCode: appKey,
    cardTemplates: { [STAND_IN_CARD_TEMPLATE_ID]: STAND_IN_CARD_CONTENT_KEY, ...(ownTemplate ? { [ownTemplate]: contentKey } : {}) },
    ...listen,
  });
}

/** The functions' environment pointed at the stand-in: its URL as DINGTALK_API_BASE, its card template unless .env names one. */
export function standInEnv(standIn: Pick<DingTalkStandIn, 'url'>, env: Readonly<Record<string, string>>): Record<string, string> {
  return {
    ...env,
    DINGTALK_API_BASE: standIn.url,
    ...(env['DINGTALK_CARD_TEMPLATE_ID'] ? {} : { DINGTALK_CARD_TEMPLATE_ID: STAND_IN_CARD_TEMPLATE_ID }),
  };
}

/**
 * The stand-in's `host:port`: its session webhooks live there, so it goes into the functions' webhook allow-list
 * (startLocalStack's `webhookHosts`, together with localWebhookHosts' other receivers).
 */
export const standInWebhookHost = (standIn: Pick<DingTalkStandIn, 'url'>): string => new URL(standIn.url).host;
