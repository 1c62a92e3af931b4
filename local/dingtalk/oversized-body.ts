import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';

/**
 * Bodies no client should read whole, for the local stand-ins and test fakes: a huge one generated as it is sent (hundreds of MB are
 * never allocated: one chunk is written again and again, as fast as the client reads), and a gzip bomb (a small
 * gzip body that inflates to `bytes` zeros), compressed once per size from a stream of zeros and kept.
 */
export interface OversizedBody {
  /** How many bytes the client would get: the body's own length, or what the gzip body inflates to. */
  bytes: number;
  gzip?: boolean;
}

const CHUNK = Buffer.alloc(64 * 1024, 'x');
const ZEROS = Buffer.alloc(1024 * 1024);
const bombs = new Map<number, Promise<Buffer>>();

/** The gzip encoding of `bytes` zero bytes; 300 MB of zeros compress to about 300 KB. */
export function gzipBomb(bytes: number): Promise<Buffer> {
  const known = bombs.get(bytes);
  if (known) return known;
  const made = new Promise<Buffer>((resolve, reject) => {
    let left = bytes;
    const zeros = new Readable({
      read() {
        const size = Math.min(left, ZEROS.length);
        left -= size;
        this.push(size > 0 ? ZEROS.subarray(0, size) : null);
      },
    });
    const parts: Buffer[] = [];
    const gzip = createGzip({ level: 9 });
    gzip.on('data', (part: Buffer) => parts.push(part));
    gzip.on('end', () => resolve(Buffer.concat(parts)));
    gzip.on('error', reject);
    zeros.pipe(gzip);
  });
  bombs.set(bytes, made);
  return made;
}

/**
 * Answers with `status` and the oversized body; resolves, once it is sent or the client has gone, with the bytes
 * written (kernel socket buffers included), so a test can tell a client that stopped reading from one that read it all.
 */
export async function sendOversized(
  response: ServerResponse,
  status: number,
  body: OversizedBody,
  contentType = 'application/json;charset=utf-8',
): Promise<number> {
  if (body.gzip) {
    const compressed = await gzipBomb(body.bytes);
    response.writeHead(status, { 'content-type': contentType, 'content-encoding': 'gzip', 'content-length': compressed.length });
    response.end(compressed);
    return compressed.length;
  }
  // Chunked, without content-length: only counting the bytes read can tell the client how big it is.
  response.writeHead(status, { 'content-type': contentType });
  let left = body.bytes;
  while (left > 0 && !response.destroyed) {
    const piece = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
    left -= piece.length;
    if (!response.write(piece)) {
      const goOn = await new Promise<boolean>((resolve) => {
        const onDrain = (): void => finish(true);
        const onClose = (): void => finish(false);
        const finish = (value: boolean): void => {
          response.off('drain', onDrain);
          response.off('close', onClose);
          resolve(value);
        };
        response.once('drain', onDrain);
        response.once('close', onClose);
      });
      if (!goOn) break;
    }
  }
  if (!response.destroyed) response.end();
  return body.bytes - left;
}
