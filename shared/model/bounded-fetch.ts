import { ModelError } from '../errors';

/**
 * The fetch the openai SDK is given, so that no answer from the model endpoint is read without a bound. The SDK reads
 * an error body with `response.text()` and a whole completion with `response.json()`, both unbounded, and gathers a
 * streamed event in one growing buffer until a blank line ends it; a gateway answering with a huge page, or a gzip
 * bomb, would hold all of it in memory. Counted after decompression (fetch hands over the inflated body):
 * - a non-2xx body is cut at MODEL_ERROR_BODY_MAX_BYTES: the head says what went wrong, and the call fails anyway;
 * - a 2xx body fails the call once MODEL_EVENT_MAX_BYTES arrive without a blank line (the end of an SSE event; a whole
 *   completion is far smaller), which also bounds the SDK's line buffer;
 * - a 2xx body that is not an event stream (`text/event-stream`, what a streamed request gets) also fails past
 *   MODEL_ANSWER_MAX_BYTES in total (cut JSON is garbage); an event stream is unbounded in total, its time budget
 *   ends it. One bounded fetch so serves streamed and whole requests alike.
 */
export const MODEL_ERROR_BODY_MAX_BYTES = 64 * 1024;
export const MODEL_ANSWER_MAX_BYTES = 8 * 1024 * 1024;
export const MODEL_EVENT_MAX_BYTES = 1024 * 1024;

type Chunks = ReadableStream<Uint8Array>;

export function createBoundedFetch(inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    const { body } = response;
    if (body === null) return response;
    const eventStream = (response.headers.get('content-type') ?? '').toLowerCase().includes('text/event-stream');
    const bounded = !response.ok
      ? limitBody(body, MODEL_ERROR_BODY_MAX_BYTES, 'cut')
      : limitEvents(eventStream ? body : limitBody(body, MODEL_ANSWER_MAX_BYTES, `model answer is larger than ${MODEL_ANSWER_MAX_BYTES} bytes`));
    const headers = new Headers(response.headers);
    // The body handed on is neither the encoded one nor, once cut, of the announced length.
    headers.delete('content-encoding');
    headers.delete('content-length');
    return new Response(bounded, { status: response.status, statusText: response.statusText, headers });
  };
}

/** The first `maxBytes` of `body`, then its end ('cut') or a ModelError with this message. */
function limitBody(body: Chunks, maxBytes: number, overflow: 'cut' | string): Chunks {
  let seen = 0;
  return relay(body, (chunk) => {
    const room = maxBytes - seen;
    seen += chunk.byteLength;
    if (chunk.byteLength <= room) return { pass: chunk };
    if (overflow === 'cut') return { pass: chunk.subarray(0, room), end: true };
    return { fail: new ModelError('MODEL_SERVER', overflow) };
  });
}

const LF = 0x0a;
const CR = 0x0d;

/** `body` as it comes, failing once MODEL_EVENT_MAX_BYTES arrive without a blank line (the end of an SSE event). */
function limitEvents(body: Chunks): Chunks {
  let eventBytes = 0;
  let lineBytes = 0;
  let previous = 0;
  return relay(body, (chunk) => {
    for (const byte of chunk) {
      eventBytes += 1;
      if (byte === LF && previous === CR) {
        // The LF of a CRLF line ending: the CR already ended the line.
      } else if (byte === LF || byte === CR) {
        if (lineBytes === 0) eventBytes = 0;
        lineBytes = 0;
      } else lineBytes += 1;
      previous = byte;
      if (eventBytes > MODEL_EVENT_MAX_BYTES) {
        return { fail: new ModelError('MODEL_SERVER', `model stream sent an event larger than ${MODEL_EVENT_MAX_BYTES} bytes`) };
      }
    }
    return { pass: chunk };
  });
}

type Verdict = { pass: Uint8Array; end?: boolean } | { fail: Error };

/** Pulls `body` chunk by chunk through `judge`; the source is cancelled (its connection closed) once judged done. */
function relay(body: Chunks, judge: (chunk: Uint8Array) => Verdict): Chunks {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) return controller.close();
      const verdict = judge(value);
      if ('fail' in verdict) {
        void reader.cancel().catch(() => undefined);
        return controller.error(verdict.fail);
      }
      if (verdict.pass.byteLength > 0) controller.enqueue(verdict.pass);
      if (verdict.end) {
        void reader.cancel().catch(() => undefined);
        controller.close();
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
