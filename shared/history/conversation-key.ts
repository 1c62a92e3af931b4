import { createHash } from 'node:crypto';
import type { InboundMessage } from '../channels/channel';

/**
 * The object that holds one conversation's history. Keyed by the conversation and the sender's stable id (for
 * DingTalk the staff id, else its sender id) — never the nickname, which is neither unique nor stable. With
 * `groupShared`, a group has one history for all its members. Ids are hashed: they carry characters OSS keys handle
 * badly (`/`, `+`, `=`), and the bucket listing then reveals no user ids.
 *
 * DingTalk's keys are those of the time before channels (`<prefix><conversation>/…`), so existing histories stay
 * where they are; any other channel's go under `<prefix><channel>/`, so a WeChat openid can never land in a DingTalk
 * conversation's object (a hashed DingTalk conversation is 32 hex digits, never a channel name).
 */
export function conversationKey(message: InboundMessage, options: { prefix: string; groupShared: boolean }): string {
  const scope = message.channel === 'dingtalk' ? '' : `${message.channel}/`;
  const conversation = `${options.prefix}${scope}${digest(message.conversation.id)}`;
  if (message.conversation.group && options.groupShared) return `${conversation}/group.jsonl`;
  return `${conversation}/${digest(message.sender.id)}.jsonl`;
}

/**
 * Who a message's claim belongs to (message-claims.ts `keyOf(account, id)`): DingTalk's robotCode ('' when the
 * callback has none) as before channels, so an FC retry across the upgrade finds its claim; another channel's
 * account behind its name. No DingTalk account starts with a channel name and a slash (it is '' or the app key), so
 * the two never share a claim.
 */
export const claimAccountOf = (message: InboundMessage): string =>
  message.channel === 'dingtalk' ? message.account : `${message.channel}/${message.account}`;

/**
 * 32 hex digits of the SHA-256 of the values joined by newlines: a fixed-length, key-safe name for ids, which the
 * bucket listing then does not reveal. Every key that hashes ids uses it, so one value always maps to one name.
 */
export const digest = (...values: string[]): string => createHash('sha256').update(values.join('\n')).digest('hex').slice(0, 32);

/**
 * Where the copy of a replaced object goes: `<prefix>archive/…/<name>.<ms>.jsonl`, under the history prefix, so the
 * same lifecycle rule removes it, and the RAM policy that grants the history grants it too.
 */
export function archiveKeyOf(key: string, prefix: string, at: number): string {
  const rest = key.startsWith(prefix) ? key.slice(prefix.length) : key;
  return `${prefix}archive/${rest.replace(/\.jsonl$/, '')}.${at}.jsonl`;
}
