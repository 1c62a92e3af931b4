import { ChannelsConfigError } from '../../errors';
import type { WebhookHostList } from '../dingtalk/webhook-hosts';
import { parseChannelsConfig, type ChannelsConfig } from './channels-config';

/**
 * Reads the channels config object through whichever storage client the function has (the worker's AppendLog
 * `readAll`, the callback's OssLiteClient `get`): both take a key and a size limit and give the bytes or undefined.
 * The client is passed to each `get`, since FC hands out the role's credentials per invocation; the parsed config is
 * kept per instance for `ttlMs`, so a warm instance reads the object about once a minute, and an edited file takes
 * effect within that time.
 */
export type ConfigObjectReader = (key: string, maxBytes: number) => Promise<Buffer | undefined>;

export interface ChannelsConfigCacheOptions {
  /** CHANNELS_CONFIG_KEY. */
  key: string;
  webhookHosts: WebhookHostList;
  now?: () => number;
  /** Default 60 s. */
  ttlMs?: number;
  /** Default 256 KB: far above any real list of robots and jobs, far below the functions' memory. */
  maxBytes?: number;
}

export interface ChannelsConfigCache {
  /** The config, read with `read` when the cached copy is older than the TTL; throws ChannelsConfigError. */
  get(read: ConfigObjectReader): Promise<ChannelsConfig>;
}

export function createChannelsConfigCache(options: ChannelsConfigCacheOptions): ChannelsConfigCache {
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? 60_000;
  const maxBytes = options.maxBytes ?? 256 * 1024;
  let cached: { config: ChannelsConfig; readAt: number } | undefined;
  /** One read at a time: concurrent requests of a warm instance share it. */
  let reading: Promise<ChannelsConfig> | undefined;

  async function load(read: ConfigObjectReader): Promise<ChannelsConfig> {
    const startedAt = now();
    const bytes = await read(options.key, maxBytes);
    // A missing or broken object is not cached: the next request looks again, so a fix takes effect at once.
    if (bytes === undefined) throw new ChannelsConfigError(options.key, { kind: 'missing' });
    // Editors on Windows may save the file with a byte order mark, which JSON.parse refuses.
    const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
    const config = parseChannelsConfig(text, options.key, options.webhookHosts);
    cached = { config, readAt: startedAt };
    return config;
  }

  return {
    get(read) {
      if (cached && now() - cached.readAt < ttlMs) return Promise.resolve(cached.config);
      reading ??= load(read).finally(() => {
        reading = undefined;
      });
      return reading;
    },
  };
}
