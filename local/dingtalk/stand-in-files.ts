import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { gzipSync } from 'node:zlib';
import { ok, type Reply, type RouteHandler, rejected } from './stand-in-http';

/**
 * The DingTalk stand-in's robot message files: `messageFiles/download` trades a downloadCode for a temporary URL on this
 * server, and a GET of that URL (no token, like DingTalk's storage URL) serves the bytes
 * (docs/dingtalk.md §6). Codes marked "assumed" are not in our sources.
 */
export type StandInFileRoute = 'fileDownload' | 'fileContent';

export interface StandInFile {
  body: Buffer;
  /** What the storage URL answers; DingTalk's often says application/octet-stream even for pictures. */
  contentType?: string;
  /** Send the body chunked, without content-length, so only the bytes read tell its size. */
  chunked?: boolean;
  /** Send the body gzip-encoded: its content-length is then that of the compressed bytes. */
  gzip?: boolean;
}

export interface StandInFilesContext {
  robotCode: string;
  checkToken(headers: IncomingHttpHeaders): Reply | undefined;
}

export const FILE_PATH_PREFIX = '/files/';

export function createStandInFiles(context: StandInFilesContext) {
  const byCode = new Map<string, StandInFile>();
  const byLink = new Map<string, StandInFile>();

  const routes: Record<StandInFileRoute, RouteHandler> = {
    fileDownload(body, request) {
      const denied = context.checkToken(request.headers);
      if (denied) return denied;
      if (body['robotCode'] !== context.robotCode) {
        return rejected(400, 'invalidParameter.robotCode.notExsit', 'robotCode不存在');
      }
      const code = body['downloadCode'];
      const file = typeof code === 'string' ? byCode.get(code) : undefined;
      // Code assumed: DingTalk's answer for an unknown or expired downloadCode is not in our sources.
      if (file === undefined) return rejected(400, 'invalidParameter.downloadCode', 'downloadCode 无效');
      const link = randomBytes(16).toString('hex');
      byLink.set(link, file);
      return ok({ downloadUrl: `http://${request.headers.host ?? '127.0.0.1'}${FILE_PATH_PREFIX}${link}` });
    },
    fileContent(_body, request) {
      const link = new URL(request.url ?? '/', 'http://stand-in').pathname.slice(FILE_PATH_PREFIX.length);
      const file = byLink.get(link);
      if (file === undefined) return rejected(404, 'NoSuchKey', 'The specified key does not exist.');
      return {
        status: 200,
        body: file.gzip ? gzipSync(file.body) : file.body,
        contentType: file.contentType ?? 'application/octet-stream',
        ...(file.chunked ? { chunked: true } : {}),
        ...(file.gzip ? { headers: { 'content-encoding': 'gzip' } } : {}),
      };
    },
  };

  return {
    routes,
    /** Makes `downloadCode` (as in a picture callback's content.downloadCode) downloadable. */
    addFile(downloadCode: string, file: StandInFile): void {
      byCode.set(downloadCode, file);
    },
  };
}
