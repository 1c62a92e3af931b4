import { isAbsolute, join, relative, resolve } from 'node:path';
import { toInboundMessage } from '../../shared/channels/dingtalk/inbound';
import { DingTalkCallbackSchema } from '../../shared/channels/dingtalk/schema';
import type { InboundMessage } from '../../shared/channels/channel';
import { boolean, optionalString, type Env } from '../../shared/config/env';
import { normalizePrefix } from '../../shared/config/oss-config';
import { readSettingsFile, withSettingsFile } from '../../shared/config/settings-file';
import { conversationKey } from '../../shared/history/conversation-key';
import { parseWith } from '../../shared/validation/parse';
import { objectFileName } from '../oss/file-backend';

export interface HistoryLocation {
  /** The object's key in the bucket. */
  key: string;
  /** The local OSS's file holding it (local/oss/file-backend.ts), relative to the project root when inside it. */
  file: string;
  /** One history for the whole group (GROUP_SHARED_HISTORY), rather than one per member. */
  shared: boolean;
}

/**
 * Where the local stack keeps the history a message joins. The file names are hashes of the ids, so this is how a
 * user tells the group's file from their 1:1 one. The key is computed as the worker computes it: the env robot's
 * HISTORY_PREFIX and GROUP_SHARED_HISTORY as the worker sees them (the environment over the settings file packed
 * beside its bundle), and the same InboundMessage the worker builds from the callback.
 */
export function historyLocation(rootDir: string, env: Env, message: InboundMessage): HistoryLocation {
  const workerEnv = withSettingsFile(env, readSettingsFile(join(rootDir, 'dist', 'worker')));
  const prefix = normalizePrefix(optionalString(workerEnv, 'HISTORY_PREFIX', 'dingtalk-llm/history/'));
  const groupShared = boolean(workerEnv, 'GROUP_SHARED_HISTORY', false);
  const key = conversationKey(message, { prefix, groupShared });
  // As local/server.ts lays out the local OSS: <LOCAL_DATA_DIR>/oss/<bucket>/<file>.
  const dataDir = resolve(rootDir, env['LOCAL_DATA_DIR'] ?? '.data', 'oss');
  const file = join(dataDir, env['OSS_BUCKET'] ?? 'local-history', objectFileName(key));
  const inside = relative(rootDir, file);
  const shown = inside.startsWith('..') || isAbsolute(inside) ? file : inside;
  return { key, file: shown, shared: message.conversation.group && groupShared };
}

/** The message the worker makes of a DingTalk callback body (buildTextCallback's). */
export const inboundOfCallback = (body: Record<string, unknown>): InboundMessage => toInboundMessage(parseWith(DingTalkCallbackSchema, body));

/** A WeChat user's message as the worker sees it (shared/channels/wechat/wechat-channel.ts): one 1:1 per openid. */
export const inboundOfWechat = (openId: string, account: string): InboundMessage => ({
  channel: 'wechat',
  id: 'local',
  account,
  conversation: { id: openId, group: false },
  sender: { id: openId },
  content: { kind: 'input', text: '', images: [] },
});
