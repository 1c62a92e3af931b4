import type { InboundContent, InboundMessage } from '../channel';
import { isGroup, messageText, type DingTalkMessage } from './schema';

/**
 * A DingTalk callback as the turn pipeline sees it. `account` is the robotCode (or '' when the callback carries
 * none) and the sender is the staff id, else DingTalk's sender id: exactly what the claim and history keys were
 * built from before channels existed, so every stored object keeps its key (docs/architecture.md).
 */
export function toInboundMessage(message: DingTalkMessage): InboundMessage {
  return {
    channel: 'dingtalk',
    id: message.msgId,
    account: message.robotCode ?? '',
    conversation: { id: message.conversationId, group: isGroup(message) },
    sender: { id: message.senderStaffId || message.senderId, ...(message.senderNick === undefined ? {} : { name: message.senderNick }) },
    ...mentionsOf(message),
    content: messageContent(message),
  };
}

/** The staff ids of the people @-mentioned: the robot's own entry carries none (docs/dingtalk.md §1). */
function mentionsOf(message: DingTalkMessage): { mentions?: string[] } {
  const ids = (message.atUsers ?? []).flatMap((user) => (user.staffId ? [user.staffId] : [])).filter((id) => id !== message.senderStaffId);
  return ids.length === 0 ? {} : { mentions: ids };
}

/**
 * The text and pictures a message carries: typed text; DingTalk's own speech recognition of a voice message; a
 * picture's download code; or the text and pictures of a rich-text message. Anything else the bot cannot read.
 */
export function messageContent(message: DingTalkMessage): InboundContent {
  const input = readableInput(message);
  return input === undefined ? { kind: 'unsupported', type: message.msgtype } : { kind: 'input', ...input };
}

function readableInput(message: DingTalkMessage): { text: string; images: string[] } | undefined {
  const content = message.content ?? {};
  switch (message.msgtype) {
    case 'text':
      return { text: messageText(message), images: [] };
    case 'audio': {
      const recognition = content['recognition'];
      return typeof recognition === 'string' && recognition.trim() !== '' ? { text: recognition.trim(), images: [] } : undefined;
    }
    case 'picture': {
      const code = content['downloadCode'] ?? content['pictureDownloadCode'];
      return typeof code === 'string' && code !== '' ? { text: '', images: [code] } : undefined;
    }
    case 'richText':
      return richTextInput(content['richText']);
    default:
      return undefined;
  }
}

function richTextInput(items: unknown): { text: string; images: string[] } | undefined {
  if (!Array.isArray(items)) return undefined;
  const texts: string[] = [];
  const images: string[] = [];
  for (const item of items as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const { text, downloadCode, pictureDownloadCode } = item as Record<string, unknown>;
    if (typeof text === 'string') texts.push(text);
    const code = downloadCode ?? pictureDownloadCode;
    if (typeof code === 'string' && code !== '') images.push(code);
  }
  const text = texts.join('').trim();
  return text === '' && images.length === 0 ? undefined : { text, images };
}
