import * as v from 'valibot';

/**
 * The part of an OpenAI chat-completions request body the demo model reads. Loose objects: the worker (and any
 * other client) may send fields the demo has no use for (temperature, max_tokens…), which must not be refused.
 * Content parts of other types (audio, files) are kept and ignored.
 */
const TextPartSchema = v.object({ type: v.literal('text'), text: v.string() });
const ImagePartSchema = v.object({ type: v.literal('image_url'), image_url: v.looseObject({ url: v.string() }) });
const OtherPartSchema = v.looseObject({ type: v.string() });

const MessageSchema = v.looseObject({
  role: v.string(),
  content: v.nullish(v.union([v.string(), v.array(v.union([TextPartSchema, ImagePartSchema, OtherPartSchema]))])),
});

export const DemoRequestSchema = v.looseObject({
  model: v.pipe(v.string(), v.minLength(1)),
  messages: v.pipe(v.array(MessageSchema), v.minLength(1)),
  stream: v.nullish(v.boolean()),
  stream_options: v.nullish(v.looseObject({ include_usage: v.nullish(v.boolean()) })),
});

export type DemoRequest = v.InferOutput<typeof DemoRequestSchema>;
export type DemoMessage = v.InferOutput<typeof MessageSchema>;

/** A message's text: a string as is, the text parts of a multimodal message joined. */
export function textOf(message: DemoMessage): string {
  const { content } = message;
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content.flatMap((part) => ('text' in part && typeof part.text === 'string' ? [part.text] : [])).join('\n');
}

export function picturesOf(message: DemoMessage): number {
  const { content } = message;
  return Array.isArray(content) ? content.filter((part) => part.type === 'image_url').length : 0;
}
