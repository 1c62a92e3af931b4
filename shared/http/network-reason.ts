/**
 * Why a request got no HTTP answer, as the error code alone (ECONNRESET, ETIMEDOUT…): the error's message and
 * config carry URLs, headers and bodies, which hold tokens, webhook sessions and secrets.
 */
export function networkReason(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'no response';
}
