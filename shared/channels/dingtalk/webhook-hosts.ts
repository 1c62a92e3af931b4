import { ConfigError } from '../../errors';
import { list, type Env } from '../../config/env';

/**
 * Where a `sessionWebhook` may point: the hosts of DINGTALK_WEBHOOK_HOSTS (`host[:port]`, comma-separated). The
 * callback refuses a body whose webhook is elsewhere and the worker checks again before posting, so a forged body
 * can never make the robot send a conversation to someone else's server. The webhook must use https; a loopback
 * host (local stack, tests) may use http. An entry without a port allows the scheme's default port only.
 */
export const WEBHOOK_HOSTS_VARIABLE = 'DINGTALK_WEBHOOK_HOSTS';
export const DEFAULT_WEBHOOK_HOSTS: readonly string[] = ['oapi.dingtalk.com'];

export interface WebhookHost {
  /** Lower case; an IPv6 address in brackets, as URL.hostname has it. */
  hostname: string;
  port: number | undefined;
}

export type WebhookHostList = readonly WebhookHost[];

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const ENTRY = new RegExp(`^(${LABEL}(?:\\.${LABEL})*|\\[[0-9a-f:.]+\\])(?::(\\d{1,5}))?$`);

/** Parses the entries; throws ConfigError naming the variable for an entry that is not `host[:port]`. */
export function parseWebhookHosts(entries: readonly string[]): WebhookHostList {
  if (entries.length === 0) throw hostListError();
  return entries.map((entry) => {
    const match = ENTRY.exec(entry.toLowerCase());
    const port = match?.[2] === undefined ? undefined : Number(match[2]);
    if (!match?.[1] || (port !== undefined && (port < 1 || port > 65_535))) {
      throw hostListError();
    }
    return { hostname: match[1], port };
  });
}

const hostListError = (): ConfigError =>
  new ConfigError(WEBHOOK_HOSTS_VARIABLE, {
    en: 'must list host[:port] entries separated by commas, such as oapi.dingtalk.com',
    zh: '应为逗号分隔的 host[:port] 列表，例如 oapi.dingtalk.com',
  });

/** The setting, read the same way by the callback and the worker. */
export function webhookHostsSetting(env: Env): WebhookHostList {
  return parseWebhookHosts(list(env, WEBHOOK_HOSTS_VARIABLE, DEFAULT_WEBHOOK_HOSTS));
}

/** For a function whose settings are broken (perhaps this one): the list if it parses, DingTalk's own host if not. */
export function webhookHostsOrDefault(env: Env): WebhookHostList {
  try {
    return webhookHostsSetting(env);
  } catch {
    return parseWebhookHosts(DEFAULT_WEBHOOK_HOSTS);
  }
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;
const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'https:': 443, 'http:': 80 };

/** True when `url` is a webhook the robot may post to: listed host and port, https (or http on loopback), no userinfo. */
export function isAllowedWebhook(url: string, hosts: WebhookHostList): boolean {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed || parsed.username !== '' || parsed.password !== '') return false;
  const secure = parsed.protocol === 'https:' || (parsed.protocol === 'http:' && LOOPBACK.test(parsed.hostname));
  const defaultPort = DEFAULT_PORTS[parsed.protocol];
  if (!secure || defaultPort === undefined) return false;
  const port = parsed.port === '' ? defaultPort : Number(parsed.port);
  return hosts.some((host) => host.hostname === parsed.hostname && (host.port ?? defaultPort) === port);
}
