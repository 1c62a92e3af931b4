import { Readable } from 'node:stream';
import { LightHeaders } from './light-headers';

/**
 * The fetch `Response` class as the function bundles have it instead of Node's global (esbuild injects it:
 * build/fetch-globals.ts), for the same reason as light-headers.ts: Node 20's is undici's, loaded on the first
 * touch, and shared/model builds one for every model answer. It does what openai-node and shared/model use, the way
 * Node's does (test/unit/shared/http/light-fetch-globals.test.ts runs the same operations against both): a body of
 * null, a string, bytes or a ReadableStream; status (200-599, RangeError otherwise), statusText, ok, headers, url
 * (''), body, bodyUsed; text(), json(), arrayBuffer(), each once (a second read throws a TypeError, as does reading a
 * locked stream), a failing stream rejecting with its own error. Form data, blobs and URLSearchParams bodies are
 * refused with a TypeError: nothing in the functions sends or reads them.
 */
export interface LightResponseInit {
  status?: number;
  statusText?: string;
  headers?: ConstructorParameters<typeof LightHeaders>[0];
}

type Source = { bytes: Uint8Array; read: boolean } | { stream: ReadableStream<Uint8Array> } | null;

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;

export class LightResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: LightHeaders;
  readonly url = '';
  readonly redirected = false;
  readonly type = 'default';
  #source: Source;

  constructor(body: unknown = null, options: LightResponseInit | null = {}) {
    if (typeof options !== 'object') throw new TypeError('Response: init must be an object');
    const init = options ?? {};
    this.status = init.status === undefined ? 200 : unsignedShort(init.status);
    if (this.status < 200 || this.status > 599) throw new RangeError('Response: status must be in the range of 200 to 599');
    this.statusText = init.statusText === undefined ? '' : `${init.statusText}`;
    if (!REASON_PHRASE.test(this.statusText)) throw new TypeError('Response: invalid statusText');
    this.headers = new LightHeaders(init.headers);
    this.#source = toSource(body);
    if (this.#source === null) return;
    if (NULL_BODY_STATUSES.has(this.status)) throw new TypeError(`Response: status ${this.status} has no body`);
    if (typeof body !== 'object' && !this.headers.has('content-type')) this.headers.set('content-type', 'text/plain;charset=UTF-8');
  }

  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }

  /** Bytes become a stream only when asked for one; reading them whole needs none. */
  get body(): ReadableStream<Uint8Array> | null {
    const source = this.#source;
    if (source === null || 'stream' in source) return source?.stream ?? null;
    const { bytes, read } = source;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        if (!read) controller.enqueue(bytes);
        controller.close();
      },
    });
    this.#source = { stream };
    if (read) void stream.getReader().read();
    return stream;
  }

  get bodyUsed(): boolean {
    const source = this.#source;
    if (source === null) return false;
    // Node's isDisturbed reads web streams too (read from or cancelled), though its types name only Node streams.
    return 'stream' in source ? Readable.isDisturbed(source.stream as unknown as Readable) : source.read;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.#consume();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async text(): Promise<string> {
    // Fetch's UTF-8 decode: a leading BOM dropped, malformed sequences replaced.
    return new TextDecoder().decode(await this.#consume());
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  get [Symbol.toStringTag](): string {
    return 'Response';
  }

  async #consume(): Promise<Uint8Array> {
    const source = this.#source;
    if (source === null) return new Uint8Array(0);
    if (this.bodyUsed || ('stream' in source && source.stream.locked)) throw new TypeError('Body is unusable: Body has already been read');
    if ('bytes' in source) {
      source.read = true;
      return source.bytes;
    }
    const reader = source.stream.getReader();
    const chunks: Uint8Array[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return Buffer.concat(chunks);
      if (!(value instanceof Uint8Array)) throw new TypeError('Response: the body stream gave a chunk that is not a Uint8Array');
      chunks.push(value);
    }
  }
}

function toSource(body: unknown): Source {
  if (body === null || body === undefined) return null;
  if (body instanceof ReadableStream) return { stream: body as ReadableStream<Uint8Array> };
  // Copied, as fetch copies a BufferSource: changing the caller's bytes later does not change the body.
  if (body instanceof ArrayBuffer) return { bytes: new Uint8Array(body.slice(0)), read: false };
  if (ArrayBuffer.isView(body)) return { bytes: new Uint8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength)), read: false };
  if (typeof body === 'object' || typeof body === 'function') {
    throw new TypeError('Response: this bundle takes a body of a string, bytes or a ReadableStream');
  }
  return { bytes: new TextEncoder().encode(`${body as string}`), read: false };
}

/** WebIDL's unsigned short, as the status is converted: modulo 2^16, NaN and infinities 0. */
function unsignedShort(value: unknown): number {
  const number = Number(value);
  if (!Number.isFinite(number)) return 0;
  const truncated = Math.trunc(number) % 65536;
  return truncated < 0 ? truncated + 65536 : truncated;
}
