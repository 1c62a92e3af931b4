import { join } from 'node:path';
import * as v from 'valibot';
import { parseJsonLines } from '../../shared/validation/json-lines';
import { objectFileName } from '../oss/file-backend';
import type { InboundMessage } from '../../shared/channels/channel';
import { conversationKey } from '../../shared/history/conversation-key';
import type { AppendLog } from '../../shared/storage/append-log';
import type { HistoryView } from './playground-api';
import type { DingTalkChat } from './playground-fixture';

/** HISTORY_PREFIX and GROUP_SHARED_HISTORY as the worker reads them (shared/config/worker-config.ts). */
export interface HistoryLayout {
  prefix: string;
  groupShared: boolean;
  /** The local OSS folder of the bucket, to name the file the object is kept in. */
  bucketDir?: string;
}

/** Largest history the panel reads; the worker itself reads only the tail (HISTORY_TAIL_BYTES). */
const READ_LIMIT = 4 * 1024 * 1024;

/**
 * The stored history of one chat as one member sees it, read back through the local OSS exactly as written: the key
 * is worked out with the worker's own function, so the panel shows the object the worker appended to, not a copy.
 */
export async function readHistory(log: AppendLog, layout: HistoryLayout, chat: DingTalkChat, memberId: string): Promise<HistoryView> {
  const key = historyKeyOf(layout, chat, memberId);
  const text = (await log.readAll(key, READ_LIMIT))?.toString('utf8') ?? '';
  // Every record as stored, whatever its type: the panel shows what the worker wrote, not what it would read.
  const { records, skipped: unreadable } = parseJsonLines(v.record(v.string(), v.unknown()), text);
  const file = layout.bucketDir === undefined ? '' : join(layout.bucketDir, objectFileName(key));
  return { key, file, records, unreadable };
}

export function historyKeyOf(layout: HistoryLayout, chat: DingTalkChat, memberId: string): string {
  const message: InboundMessage = {
    channel: 'dingtalk',
    id: '',
    account: '',
    conversation: { id: chat.conversationId, group: chat.group },
    sender: { id: memberId },
    content: { kind: 'input', text: '', images: [] },
  };
  return conversationKey(message, { prefix: layout.prefix, groupShared: layout.groupShared });
}
