import { DEFAULT_SPLIT_LIMITS, splitMarkdown, type SplitMarkdownOptions } from '../dingtalk/split-markdown';
import { reserve, summarizeTitle } from '../dingtalk/reply-parts';
import { signDingTalkTimestamp } from '../dingtalk/verify-signature';

/**
 * What goes on the wire to a custom group robot (docs/group-robot.md §2, §3): the signed URL, and the JSON body of a
 * markdown or text message, in parts that each fit the 20,000-byte body limit and each carry a keyword of a keyword
 * robot.
 */
export type RobotMessage = { msgtype: 'markdown'; title: string; text: string } | { msgtype: 'text'; text: string };

/** The webhook body limit (errcode 460101 above it). */
export const ROBOT_BODY_MAX_BYTES = 20_000;

/**
 * 加签, computed per request: a signature is valid for one hour of DingTalk's clock, so one computed at cold start
 * would fail on a warm instance an hour later (310000 invalid timestamp). It is the HMAC DingTalk signs its own
 * callbacks with (timestamp, newline, secret; keyed by the secret), so it is the DingTalk folder's one function.
 */
export function signedWebhookUrl(webhook: string, secret: string | undefined, nowMs: number): string {
  if (secret === undefined) return webhook;
  const timestamp = String(nowMs);
  const sign = signDingTalkTimestamp(secret, timestamp);
  return `${webhook}&timestamp=${timestamp}&sign=${encodeURIComponent(sign)}`;
}

export const robotBody = (message: RobotMessage): string =>
  JSON.stringify(
    message.msgtype === 'markdown'
      ? { msgtype: 'markdown', markdown: { title: message.title, text: message.text } }
      : { msgtype: 'text', text: { content: message.text } },
  );

/**
 * A keyword robot drops a message that contains none of its keywords (310000). A part lacking every keyword gets
 * the first one as a bold first line (markdown) or a 【keyword】 prefix (text), and in the markdown title, which is
 * what the chat list and the notification show.
 */
function withKeyword(message: RobotMessage, keywords: readonly string[]): RobotMessage {
  const [first] = keywords;
  const seen = message.msgtype === 'markdown' ? `${message.title}\n${message.text}` : message.text;
  if (first === undefined || keywords.some((keyword) => seen.includes(keyword))) return message;
  if (message.msgtype === 'text') return { msgtype: 'text', text: `【${first}】${message.text}` };
  return { msgtype: 'markdown', title: `${first} ${message.title}`, text: `**${first}**\n\n${message.text}` };
}

const keywordRoom = (keywords: readonly string[]): string => {
  const longest = keywords.reduce((widest, keyword) => (keyword.length > widest.length ? keyword : widest), '');
  return longest === '' ? '' : `**${longest}**\n\n`;
};

/**
 * An answer as the markdown messages a robot posts, in order. Parts are cut at paragraph and code-block boundaries
 * (splitMarkdown); a part whose JSON body would still pass 20,000 bytes (text heavy in escapes) is cut again, finer.
 */
export function markdownParts(answer: string, keywords: readonly string[], split: SplitMarkdownOptions = {}): RobotMessage[] {
  const limits = reserve(split, keywordRoom(keywords));
  const toMessage = (part: string): RobotMessage => withKeyword({ msgtype: 'markdown', title: summarizeTitle(part), text: part }, keywords);
  const fit = (part: string, maxBytes: number): RobotMessage[] => {
    const message = toMessage(part);
    if (Buffer.byteLength(robotBody(message)) <= ROBOT_BODY_MAX_BYTES || maxBytes <= 256) return [message];
    const finer = Math.floor(maxBytes / 2);
    return splitMarkdown(part, { ...limits, maxBytes: finer }).flatMap((piece) => fit(piece, finer));
  };
  const maxBytes = limits.maxBytes ?? DEFAULT_SPLIT_LIMITS.maxBytes;
  return splitMarkdown(answer, limits).flatMap((part) => fit(part, maxBytes));
}

/** A plain text message (no splitting: for short notices), with a keyword when the robot needs one. */
export const textMessage = (text: string, keywords: readonly string[]): RobotMessage => withKeyword({ msgtype: 'text', text }, keywords);
