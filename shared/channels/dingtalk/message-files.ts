import type { Readable } from 'node:stream';
import type { AxiosInstance } from 'axios';
import type { ByteAllowance, ImageMimeType } from '../channel';
import { MediaError } from '../../errors';
import { networkReason } from '../../http/network-reason';
import { asRecord } from '../../validation/as-record';
import type { AccessTokenProvider } from './access-token';
import type { CallMeter } from './call-meter';
import { createDingTalkRequester } from './dingtalk-api';
import { statusReason } from './dingtalk-http';

/**
 * Pictures users send the robot, fetched in two steps: `messageFiles/download` trades the callback's downloadCode for
 * a temporary URL, then a plain GET of that URL gives the bytes (docs/dingtalk.md §6). The URL works for
 * anyone who holds it, so it is never put in an error or a log line; the model gets a data URL instead.
 */
export interface MessageFiles {
  /** `meter` counts the `messageFiles/download` call; the GET of the URL it gives is not an OpenAPI call. */
  downloadImage(input: { downloadCode: string; robotCode?: string; allowance?: ByteAllowance; meter?: CallMeter }): Promise<DownloadedImage>;
}

export type { ByteAllowance, ImageMimeType } from '../channel';

export interface DownloadedImage {
  /** `data:<mimeType>;base64,…`, ready for an image part of a model message. */
  dataUrl: string;
  bytes: number;
  mimeType: ImageMimeType;
}

export interface MessageFilesOptions {
  http: AxiosInstance;
  apiBase: string;
  tokens: AccessTokenProvider;
  /** robotCode when the callback carries none (an internal app's robot is its app key). */
  appKey: string;
  /** Larger pictures are refused before they are read into memory (and base64 makes them a third larger again). */
  maxBytes: number;
  /** Bound for each of the two steps, body included. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export function createMessageFiles(options: MessageFilesOptions): MessageFiles {
  const api = createDingTalkRequester(options);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const failed = (reason: string, cause?: unknown): MediaError =>
    new MediaError('MEDIA_DOWNLOAD_FAILED', `picture download failed: ${reason}`, cause ? { cause } : undefined);

  const downloadUrl = async (downloadCode: string, robotCode: string, meter: CallMeter | undefined): Promise<string> => {
    const answer = await api
      .call('POST', '/v1.0/robot/messageFiles/download', { downloadCode, robotCode }, meter ? { timeoutMs, meter } : { timeoutMs })
      .catch((error: unknown) => {
        // DingTalkApiError carries only the path, status and code, so it is safe to keep as the cause.
        throw failed(error instanceof Error ? error.message : 'DingTalk did not answer', error);
      });
    const url = asRecord(answer)['downloadUrl'];
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw failed('DingTalk returned no downloadUrl');
    return url;
  };

  const fetchBytes = async (url: string, allowance: ByteAllowance | undefined): Promise<Buffer> => {
    // A stream rather than an arraybuffer with maxContentLength: the declared size is checked before any of the body
    // is read, and an oversized body is told apart from a broken download by our own count, not by axios' message.
    // The count is of inflated bytes: axios hands over the stream after decompression.
    const response = await options.http
      .get<Readable>(url, {
        responseType: 'stream',
        // Counted below against this picture's own limit, not the small one for DingTalk's JSON answers.
        maxContentLength: -1,
        validateStatus: () => true,
        timeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      })
      .catch((error: unknown) => {
        // The axios error holds the URL; only its code travels on.
        throw failed(networkReason(error));
      });
    const body = response.data;
    const declared = Number(response.headers['content-length']);
    if (response.status < 200 || response.status >= 300) {
      body.destroy();
      throw failed(statusReason(response.status));
    }
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      body.destroy();
      throw tooLarge(declared, options.maxBytes);
    }
    // With a declared length the bytes go straight into one buffer of that size, so a picture is not held twice
    // (its chunks and their concatenation) on the worker's small memory; without one, chunks are joined at the end.
    const sized = Number.isFinite(declared) && declared > 0 ? Buffer.allocUnsafe(declared) : undefined;
    const chunks: Buffer[] = [];
    let total = 0;
    let filled = 0;
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        if (total + chunk.length > options.maxBytes) throw tooLarge(total + chunk.length, options.maxBytes);
        if (allowance && !allowance.take(chunk.length)) {
          throw new MediaError('MEDIA_TOTAL_TOO_LARGE', 'the pictures of this message exceed their total byte limit');
        }
        if (sized && chunks.length === 0 && filled + chunk.length <= sized.length) filled += chunk.copy(sized, filled);
        else chunks.push(chunk);
        total += chunk.length;
      }
    } catch (error) {
      body.destroy();
      allowance?.release(total);
      if (error instanceof MediaError) throw error;
      throw failed(networkReason(error));
    }
    if (!sized) return Buffer.concat(chunks);
    // A body shorter or longer than declared keeps exactly the bytes that came.
    return chunks.length === 0 ? sized.subarray(0, filled) : Buffer.concat([sized.subarray(0, filled), ...chunks]);
  };

  return {
    async downloadImage({ downloadCode, robotCode, allowance, meter }) {
      const bytes = await fetchBytes(await downloadUrl(downloadCode, robotCode ?? options.appKey, meter), allowance);
      // DingTalk's storage often labels pictures application/octet-stream, so the bytes decide.
      const mimeType = sniffImageType(bytes);
      if (mimeType === undefined) {
        throw new MediaError('MEDIA_UNSUPPORTED', 'the file is not a PNG, JPEG, GIF or WEBP picture');
      }
      return { dataUrl: `data:${mimeType};base64,${bytes.toString('base64')}`, bytes: bytes.length, mimeType };
    },
  };
}

function tooLarge(bytes: number, maxBytes: number): MediaError {
  return new MediaError('MEDIA_TOO_LARGE', `picture has ${bytes} bytes or more; the limit is ${maxBytes}`);
}

/** The image formats vision models take, recognised by their magic bytes. */
export function sniffImageType(bytes: Buffer): ImageMimeType | undefined {
  const ascii = (start: number, end: number): string => bytes.subarray(start, end).toString('latin1');
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return 'image/gif';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}
