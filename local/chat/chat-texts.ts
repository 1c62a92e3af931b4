import { DEFAULT_MEMBER, type ChatOptions } from './chat-args';
import type { HistoryLocation } from './history-location';

/** `你 › `, or the member's id when speaking as someone else; `群` marks the group. */
export function promptOf(options: Pick<ChatOptions, 'group' | 'user'>): string {
  const who = options.user === DEFAULT_MEMBER ? '你' : options.user;
  return `${options.group ? '[群 group] ' : ''}${who} › `;
}

/** Which history the answer joined, and its file: the names are hashes, so this tells the group's from a 1:1's. */
export function historyLine(location: HistoryLocation, options: Pick<ChatOptions, 'group' | 'user' | 'wechat'>): string {
  const whose = location.shared
    ? '全群共用 / shared by the whole group'
    : options.group
      ? `${options.user} 在群里的记录 / ${options.user}'s own in the group`
      : `${options.user} 的单聊${options.wechat ? '（微信）' : ''} / ${options.user}'s 1:1${options.wechat ? ' (WeChat)' : ''}`;
  return `📁 会话记录 / history (${whose}): ${location.file}`;
}
