import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../read-body';
import { errorXml, type OssResponse } from './oss-response';

/** Objects are held in memory while a request is handled; histories are KBs, this only guards against mistakes. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** The request body, or undefined when it is larger than an emulator should hold. */
export const readOssBody = (req: IncomingMessage): Promise<Buffer | undefined> => readBody(req, MAX_BODY_BYTES);

/** What goes on the wire for an operation's answer: status, the headers every OSS response carries, and the body. */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  /** Undefined for HEAD (whose error document travels in x-oss-err) and for bodiless answers. */
  body: Buffer | undefined;
}

export function wireResponse(req: IncomingMessage, response: OssResponse, requestId: string): WireResponse {
  const headers: Record<string, string> = {
    server: 'AliyunOSS',
    date: new Date().toUTCString(),
    'x-oss-request-id': requestId,
    ...response.headers,
  };
  let body = response.body;
  if (response.error) {
    const xml = Buffer.from(errorXml(response.error, requestId, req.headers.host ?? ''));
    // A HEAD response has no body, so OSS carries the error document in x-oss-err, where ali-oss looks for it.
    if (req.method === 'HEAD') headers['x-oss-err'] = xml.toString('base64');
    else body = xml;
    headers['content-type'] = 'application/xml';
    headers['content-length'] = String(req.method === 'HEAD' ? 0 : xml.length);
  } else if (req.method !== 'HEAD' && response.status !== 204) {
    headers['content-length'] = String(body?.length ?? 0);
  }
  return { status: response.status, headers, body: req.method === 'HEAD' ? undefined : body };
}

export function send(res: ServerResponse, wire: WireResponse): void {
  res.writeHead(wire.status, wire.headers);
  res.end(wire.body);
}
