import type { IncomingMessage } from 'node:http';
import { pipeline, type Readable, type Transform } from 'node:stream';
import { constants, createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/**
 * A node:http answer as the fetch `Response` node-http-fetch.ts returns: the status, every header as sent, and the
 * body as a web stream, decoded as fetch decodes it (so bounded-fetch.ts counts inflated bytes). The stream reads
 * the socket only as fast as the reader pulls, and fails the way fetch's body does: with the abort reason once the
 * signal fires, otherwise with `TypeError('terminated', { cause })`. Cancelling it closes the connection.
 */
export interface ResponseContext {
  method: string;
  signal: AbortSignal | undefined;
  /** Destroys the request and its socket. */
  destroy: () => void;
}

/** Statuses a Response may not have a body for (its constructor refuses one). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
// The Response class refuses a status text outside HTAB, SP, VCHAR and obs-text; such a text is dropped instead.
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;

export function toFetchResponse(res: IncomingMessage, context: ResponseContext): Response {
  const status = res.statusCode ?? 0;
  const statusText = REASON_PHRASE.test(res.statusMessage ?? '') ? (res.statusMessage ?? '') : '';
  const headers = new Headers();
  const raw = res.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    headers.append(raw[index] as string, raw[index + 1] as string);
  }
  const init = { status, statusText, headers };
  if (NULL_BODY_STATUSES.has(status) || context.method === 'HEAD') {
    const response = new Response(null, init);
    res.resume();
    return response;
  }
  return new Response(webStream(decoded(res), context), init);
}

/**
 * The body with its content codings undone, last applied first, leniently about a truncated end (fetch's zlib
 * flush settings). A coding fetch does not know leaves the body as it came, as fetch does.
 */
function decoded(res: IncomingMessage): Readable {
  const codings = (res.headers['content-encoding'] ?? '').toLowerCase().split(',').map((coding) => coding.trim());
  const named = codings.filter((coding) => coding !== '').reverse();
  if (named.length === 0 || !named.every((coding) => coding in DECODERS)) return res;
  const decoders = named.map((coding) => (DECODERS[coding] as () => Transform)());
  // pipeline destroys every stream with the first error, so the last one, which is read, reports it.
  return pipeline([res, ...decoders], () => undefined) as unknown as Readable;
}

const zlibLenient = { flush: constants.Z_SYNC_FLUSH, finishFlush: constants.Z_SYNC_FLUSH };
const brotliLenient = { flush: constants.BROTLI_OPERATION_FLUSH, finishFlush: constants.BROTLI_OPERATION_FLUSH };
const DECODERS: Record<string, () => Transform> = {
  gzip: () => createGunzip(zlibLenient),
  'x-gzip': () => createGunzip(zlibLenient),
  deflate: () => createInflate(zlibLenient),
  br: () => createBrotliDecompress(brotliLenient),
};

function webStream(source: Readable, { signal, destroy }: ResponseContext): ReadableStream<Uint8Array> {
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  let onAbort = (): void => undefined;
  const release = () => signal?.removeEventListener('abort', onAbort);
  return new ReadableStream<Uint8Array>({
    start(controller) {
      // At once, as fetch does, even while the reader is not waiting for a chunk.
      onAbort = () => {
        controller.error(signal?.reason);
        destroy();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    },
    async pull(controller) {
      try {
        const { done, value } = await chunks.next();
        if (!done) return controller.enqueue(value);
        release();
        controller.close();
      } catch (error) {
        release();
        controller.error(signal?.aborted ? signal.reason : new TypeError('terminated', { cause: error }));
      }
    },
    async cancel() {
      release();
      destroy();
      await chunks.return?.();
    },
  });
}
