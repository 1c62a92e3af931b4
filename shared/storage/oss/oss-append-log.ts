import type OSS from 'ali-oss';
import { AppendConflictError, NotAppendableError, StorageError } from '../../errors';
import { checkFrom, type AppendLog, type FromRead, type TailRead } from '../append-log';

const NEWLINE = 0x0a;
/**
 * Append refusals that no retry can fix: the object is Normal (ObjectNotAppendable), or appending would pass the
 * 5 GB limit for appendable objects (docs/function-compute.md §5).
 */
const NOT_APPENDABLE_CODES = new Set(['ObjectNotAppendable', 'EntityTooLarge']);

/** ali-oss errors carry OSS's status and code; network failures have status -1/-2 and no OSS code. */
function ossFailure(error: unknown): { status?: number; code?: string } {
  if (typeof error !== 'object' || error === null) return {};
  const status = 'status' in error && typeof error.status === 'number' ? error.status : undefined;
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  return { ...(status === undefined ? {} : { status }), ...(code === undefined ? {} : { code }) };
}

function storageError(operation: string, key: string, error: unknown): StorageError {
  const { status, code } = ossFailure(error);
  return new StorageError(`OSS ${operation} ${key} failed: ${code ?? 'error'} (${status ?? 'no status'})`, { cause: error });
}

function header(res: { headers: object }, name: string): string | undefined {
  const value: unknown = (res.headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The last whole lines of `bytes` that fit in `maxBytes`. `bytes` ends at the object's end and starts at `start`; a
 * line is whole when the byte before it is '\n' or it begins the object. Cutting at a '\n' byte keeps UTF-8 intact,
 * as no multi-byte character contains 0x0A.
 */
function wholeLines(bytes: Buffer, start: number, maxBytes: number): Buffer {
  const from = Math.max(0, bytes.length - maxBytes);
  const atLineStart = start + from === 0 || bytes[from - 1] === NEWLINE;
  if (atLineStart) return bytes.subarray(from);
  const newline = bytes.indexOf(NEWLINE, from);
  return newline < 0 ? Buffer.alloc(0) : bytes.subarray(newline + 1);
}

/**
 * One ranged GetObject: its bytes and response, undefined when the object does not exist, or 'unsatisfiable' for
 * OSS's 416, which only `x-oss-range-behavior: standard` asks for (a start at or past the end).
 */
async function getRange(client: OSS, key: string, range: string, standard = false): Promise<{ bytes: Buffer; res: OSS.NormalSuccessResponse } | 'unsatisfiable' | undefined> {
  let result: OSS.GetObjectResult;
  try {
    result = await client.get(key, undefined, { headers: { Range: range, ...(standard ? { 'x-oss-range-behavior': 'standard' } : {}) } });
  } catch (error) {
    const { status, code } = ossFailure(error);
    if (code === 'NoSuchKey') return undefined;
    if (standard && status === 416) return 'unsatisfiable';
    throw storageError('GetObject', key, error);
  }
  const bytes: unknown = result.content;
  if (!Buffer.isBuffer(bytes)) throw new StorageError(`OSS GetObject ${key} returned no content buffer`);
  return { bytes, res: result.res };
}

const CONTENT_RANGE = /^bytes (\d+)-\d+\/(\d+)$/;

/** The AppendLog port on OSS appendable objects (docs/function-compute.md §5). */
export function createOssAppendLog(client: OSS): AppendLog {
  const log: AppendLog = {
    async readTail(key: string, maxBytes: number): Promise<TailRead> {
      if (!Number.isInteger(maxBytes) || maxBytes < 1) throw new RangeError(`maxBytes must be a positive integer, got ${maxBytes}`);
      // One byte more than asked for shows whether the first line read starts right after a '\n', so a line that
      // fits exactly is kept. OSS answers a suffix longer than the object with the whole object and 200.
      const read = await getRange(client, key, `bytes=-${maxBytes + 1}`);
      if (read === undefined || read === 'unsatisfiable') return { text: '', length: 0, truncated: false, appendable: true };
      const { bytes, res } = read;
      const partial = res.status === 206;
      const range = CONTENT_RANGE.exec(header(res, 'content-range') ?? '');
      if (partial && !range) throw new StorageError(`OSS GetObject ${key} answered 206 without Content-Range`);
      const start = partial && range ? Number(range[1]) : 0;
      const length = partial && range ? Number(range[2]) : bytes.length;
      const kept = wholeLines(bytes, start, maxBytes);
      const appendable = header(res, 'x-oss-object-type') !== 'Normal';
      return { text: kept.toString('utf8'), length, truncated: kept.length < length, appendable };
    },

    async append(key: string, position: number, data: string): Promise<number> {
      const body = Buffer.from(data, 'utf8');
      try {
        const result = await client.append(key, body, { position: String(position) });
        const next = Number(result.nextAppendPosition);
        // OSS always sends x-oss-next-append-position; the fallback only guards a server that omits it.
        return Number.isSafeInteger(next) ? next : position + body.length;
      } catch (error) {
        const { status, code } = ossFailure(error);
        if (status === 409 && code === 'PositionNotEqualToLength') throw new AppendConflictError(key, { cause: error });
        if (code !== undefined && NOT_APPENDABLE_CODES.has(code)) throw new NotAppendableError(key, code, { cause: error });
        throw storageError('AppendObject', key, error);
      }
    },

    async length(key: string): Promise<number> {
      let result: OSS.HeadObjectResult;
      try {
        result = await client.head(key);
      } catch (error) {
        // ali-oss reports every bodiless 404 as NoSuchKey, so a missing bucket reads as length 0 here. That is
        // harmless: length() follows a conflict on an object that existed, and readTail/append name the bucket.
        if (ossFailure(error).code === 'NoSuchKey') return 0;
        throw storageError('HeadObject', key, error);
      }
      const length = Number(header(result.res, 'x-oss-next-append-position') ?? header(result.res, 'content-length'));
      if (!Number.isSafeInteger(length)) throw new StorageError(`OSS HeadObject ${key} returned no length`);
      return length;
    },

    async readAll(key: string, maxBytes: number): Promise<Buffer | undefined> {
      // A range one byte past the limit shows whether the object is longer, without reading all of a huge one.
      const read = await getRange(client, key, `bytes=0-${maxBytes}`);
      if (read === 'unsatisfiable') return undefined;
      if (read && read.bytes.length > maxBytes) throw new StorageError(`OSS object ${key} is longer than ${maxBytes} bytes`);
      return read?.bytes;
    },

    async readFrom(key: string, start: number, maxBytes: number): Promise<FromRead | undefined> {
      checkFrom(start, maxBytes);
      // The range starts one byte before `start`, so an object that has not shrunk always has a byte in it: OSS
      // answers 206 with the full length in Content-Range even when nothing was appended, instead of a 416 whose
      // error document carries no length. Its end, one byte past `maxBytes`, shows an object too long to read;
      // `standard` makes OSS cut that end to the object's rather than ignore the range (docs/function-compute.md §5).
      const from = Math.max(0, start - 1);
      const read = await getRange(client, key, `bytes=${from}-${start + maxBytes}`, true);
      if (read === undefined) return undefined;
      let bytes: Buffer;
      let length: number;
      if (read === 'unsatisfiable') {
        // The object is shorter than `start` (replaced by a shorter one), or empty: only a HEAD tells its length.
        length = start === 0 ? 0 : await log.length(key);
        bytes = Buffer.alloc(0);
      } else if (read.res.status === 206) {
        const range = CONTENT_RANGE.exec(header(read.res, 'content-range') ?? '');
        if (!range || Number(range[1]) !== from) throw new StorageError(`OSS GetObject ${key} answered 206 without the Content-Range asked for`);
        length = Number(range[2]);
        bytes = read.bytes.subarray(start - from);
      } else {
        // 200: the range was ignored and the whole object sent.
        length = read.bytes.length;
        bytes = read.bytes.subarray(Math.min(start, length));
      }
      if (bytes.length > maxBytes) throw new StorageError(`OSS object ${key} holds more than ${maxBytes} bytes from ${start}`);
      return { bytes, length };
    },

    async put(key: string, data: Buffer): Promise<void> {
      try {
        await client.put(key, data, { mime: 'application/x-ndjson' });
      } catch (error) {
        throw storageError('PutObject', key, error);
      }
    },

    async remove(key: string): Promise<void> {
      try {
        await client.delete(key);
      } catch (error) {
        throw storageError('DeleteObject', key, error);
      }
    },
  };
  return log;
}
