import { createHash } from 'node:crypto';
import { isGroup, type DingTalkMessage } from '../channels/dingtalk/schema';

/**
 * The object that holds one conversation's history. Keyed by the conversation and the sender's stable id (staff id,
 * else DingTalk's sender id) — never the nickname, which is neither unique nor stable. With `groupShared`, a group
 * has one history for all its members. Ids are hashed: they carry characters OSS keys handle badly (`/`, `+`, `=`),
 * and the bucket listing then reveals no user ids.
 */
export function conversationKey(message: DingTalkMessage, options: { prefix: string; groupShared: boolean }): string {
  const conversation = digest(message.conversationId);
  if (isGroup(message) && options.groupShared) return `${options.prefix}${conversation}/group.jsonl`;
  const sender = message.senderStaffId || message.senderId;
  return `${options.prefix}${conversation}/${digest(sender)}.jsonl`;
}

const digest = (value: string): string => createHash('sha256').update(value).digest('hex').slice(0, 32);

/**
 * Where the copy of a replaced object goes: `<prefix>archive/…/<name>.<ms>.jsonl`, under the history prefix, so the
 * same lifecycle rule removes it, and the RAM policy that grants the history grants it too.
 */
export function archiveKeyOf(key: string, prefix: string, at: number): string {
  const rest = key.startsWith(prefix) ? key.slice(prefix.length) : key;
  return `${prefix}archive/${rest.replace(/\.jsonl$/, '')}.${at}.jsonl`;
}
