import * as v from 'valibot';
import { parseWith } from '../../validation/parse';

/**
 * The WeChat messages the bot reads (docs/wechat.md §3), in two shapes: the XML fields as WeChat sends them, and the
 * checked message the callback hands the worker, which the worker checks again with WechatMessageSchema. Unknown
 * fields are dropped; a repeated element (parsed as a list) fails, as does a value that is not text.
 */
const id = v.pipe(v.string(), v.minLength(1), v.maxLength(128));
const digits = (max: number) => v.pipe(v.string(), v.regex(new RegExp(`^\\d{1,${max}}$`)));
const text = v.pipe(v.string(), v.maxLength(20_000));

const XmlFieldsSchema = v.object({
  ToUserName: id,
  FromUserName: id,
  CreateTime: digits(12),
  MsgType: v.pipe(v.string(), v.minLength(1), v.maxLength(32)),
  // 64-bit, past 2^53: kept as the digits WeChat sent (docs/wechat.md §3).
  MsgId: v.optional(digits(20)),
  Content: v.optional(text),
  Recognition: v.optional(text),
  Event: v.optional(v.pipe(v.string(), v.maxLength(64))),
});

/** The safe-mode body: the account and the ciphertext of the XML above (docs/wechat.md §4). */
export const EncryptedEnvelopeSchema = v.object({ ToUserName: v.optional(id), Encrypt: v.pipe(v.string(), v.minLength(1), v.maxLength(200_000)) });

const common = {
  /** A MsgId; events have none, so theirs is FromUserName + CreateTime (docs/wechat.md §3). */
  id: id,
  /** ToUserName: the account's original id (gh_…). */
  account: id,
  /** FromUserName: the user's OpenID for this account. */
  user: id,
  createTime: v.pipe(v.number(), v.integer(), v.minValue(0)),
};

export const WechatMessageSchema = v.variant('kind', [
  v.object({ ...common, kind: v.literal('text'), text }),
  /** `recognition` only when the account enabled 接收语音识别结果, and may be empty even then. */
  v.object({ ...common, kind: v.literal('voice'), recognition: v.optional(text) }),
  v.object({ ...common, kind: v.literal('event'), event: v.pipe(v.string(), v.maxLength(64)) }),
  v.object({ ...common, kind: v.literal('other'), msgType: v.pipe(v.string(), v.maxLength(32)) }),
]);

export type WechatMessage = v.InferOutput<typeof WechatMessageSchema>;

/** XML fields → the checked message; throws PayloadParseError naming the field that does not fit. */
export function readWechatMessage(fields: Record<string, unknown>): WechatMessage {
  const xml = parseWith(XmlFieldsSchema, fields);
  const base = { account: xml.ToUserName, user: xml.FromUserName, createTime: Number(xml.CreateTime) };
  const msgId = (): string => xml.MsgId ?? parseWith(v.object({ MsgId: digits(20) }), fields).MsgId;
  switch (xml.MsgType) {
    case 'event':
      return { ...base, id: `${xml.FromUserName}:${xml.CreateTime}`, kind: 'event', event: (xml.Event ?? '').toLowerCase() };
    case 'text':
      return { ...base, id: msgId(), kind: 'text', text: parseWith(v.object({ Content: text }), fields).Content };
    case 'voice':
      return { ...base, id: msgId(), kind: 'voice', ...(xml.Recognition?.trim() ? { recognition: xml.Recognition } : {}) };
    default:
      return { ...base, id: xml.MsgId ?? `${xml.FromUserName}:${xml.CreateTime}`, kind: 'other', msgType: xml.MsgType };
  }
}

/** What the user asked, as text; undefined for events, other types and voice without recognition. */
export function messageText(message: WechatMessage): string | undefined {
  if (message.kind === 'text') return message.text.trim();
  if (message.kind === 'voice') return message.recognition?.trim() || undefined;
  return undefined;
}
