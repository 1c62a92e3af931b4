/**
 * What an OSS operation answers, before the HTTP layer adds the headers every OSS response carries. Errors are data,
 * not exceptions: they are part of the protocol the emulator speaks, and ali-oss turns their XML into err.code.
 */
export interface OssErrorDetail {
  code: string;
  message: string;
  /** Extra elements OSS puts in the error document (e.g. BucketName, StringToSign), in order. */
  extra?: Array<[string, string]>;
}

export interface OssResponse {
  status: number;
  headers: Record<string, string>;
  body?: Buffer;
  error?: OssErrorDetail;
}

export function ossError(
  status: number,
  code: string,
  message: string,
  options: { headers?: Record<string, string>; extra?: Array<[string, string]> } = {},
): OssResponse {
  const error: OssErrorDetail = { code, message, ...(options.extra ? { extra: options.extra } : {}) };
  return { status, headers: options.headers ?? {}, error };
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The error document real OSS sends; ali-oss reads Code, Message and RequestId from it. */
export function errorXml(error: OssErrorDetail, requestId: string, hostId: string): string {
  const elements: Array<[string, string]> = [
    ['Code', error.code],
    ['Message', error.message],
    ['RequestId', requestId],
    ['HostId', hostId],
    ...(error.extra ?? []),
  ];
  const body = elements.map(([name, value]) => `  <${name}>${escapeXml(value)}</${name}>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n${body}\n</Error>\n`;
}
