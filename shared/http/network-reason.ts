/**
 * Why a request got no usable HTTP answer, as the error code alone (ECONNRESET, ETIMEDOUT…): the error's message and
 * config carry URLs, headers and bodies, which hold tokens, webhook sessions and secrets. The one message read is
 * axios' own fixed text for an answer over maxContentLength, which names only the limit.
 */
export function networkReason(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  const limit = typeof message === 'string' ? /^maxContentLength size of (\d+) exceeded$/.exec(message)?.[1] : undefined;
  if (limit !== undefined) return `the answer is larger than ${limit} bytes`;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'no response';
}
