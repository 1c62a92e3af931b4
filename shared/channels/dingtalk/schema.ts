import * as v from 'valibot';

/**
 * The DingTalk robot callback body (HTTP mode), as far as the bot reads it. Unknown fields are dropped, so the worker
 * only ever sees what was checked here. Types are inferred from the schema; there is no parallel hand-written type.
 * Field facts: docs/dingtalk.md §1.
 */
const id = v.pipe(v.string(), v.minLength(1), v.maxLength(512));
const optionalId = v.optional(v.pipe(v.string(), v.maxLength(512)));
/** Milliseconds from 2000 to 2100: anything else (1e300, negative, fractional) is not a DingTalk time. */
const epochMs = v.pipe(
  v.union([v.number(), v.pipe(v.string(), v.regex(/^\d{1,16}$/))]),
  v.transform(Number),
  v.integer(),
  v.minValue(946_684_800_000),
  v.maxValue(4_102_444_800_000),
);

export const DingTalkCallbackSchema = v.object({
  msgId: id,
  msgtype: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  conversationId: id,
  conversationType: v.picklist(['1', '2']),
  conversationTitle: v.optional(v.pipe(v.string(), v.maxLength(512))),
  senderId: id,
  senderStaffId: optionalId,
  senderNick: v.optional(v.pipe(v.string(), v.maxLength(256))),
  robotCode: optionalId,
  chatbotUserId: optionalId,
  isInAtList: v.optional(v.boolean()),
  /**
   * Who the message @-mentions; the robot's own entry has no staffId. Only `/admin` reads it, so a malformed list is
   * dropped rather than refusing the message.
   */
  atUsers: v.fallback(v.optional(v.pipe(v.array(v.object({ dingtalkId: v.optional(v.string()), staffId: v.optional(v.string()) })), v.maxLength(100))), undefined),
  createAt: v.optional(epochMs),
  sessionWebhook: v.pipe(v.string(), v.url(), v.maxLength(2048), v.regex(/^https?:\/\//)),
  sessionWebhookExpiredTime: v.optional(epochMs),
  text: v.optional(v.object({ content: v.pipe(v.string(), v.maxLength(20_000)) })),
  /** Payload of non-text messages (picture, audio, richText, file, …); read by the worker per msgtype. */
  content: v.optional(v.record(v.string(), v.unknown())),
});

export type DingTalkMessage = v.InferOutput<typeof DingTalkCallbackSchema>;

export const isGroup = (message: DingTalkMessage): boolean => message.conversationType === '2';

/** Text the user typed: trimmed (groups carry a leading space where the @mention was), or '' for none. */
export function messageText(message: DingTalkMessage): string {
  return (message.text?.content ?? '').trim();
}
