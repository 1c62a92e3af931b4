import { DingTalkCallbackSchema, type DingTalkMessage } from './schema';
import { verifyDingTalkSignature } from './verify-signature';
import { UnsupportedMediaTypeError } from '../../errors';
import { requireMethod, type HttpRequest } from '../../fc/http-event';
import { decodeUtf8, parseJson, parseWith } from '../../validation/parse';

/**
 * The first checks of every callback, shared by the working callback and the one that only explains a broken
 * setting: a POST of JSON, signed with our app secret within DingTalk's hour, whose body is valid UTF-8 and matches
 * the schema. Throws the typed error of the first check that fails.
 */
export interface SignedCallback {
  message: DingTalkMessage;
  timestamp: string;
  sign: string;
}

export function readSignedCallback(request: HttpRequest, appSecret: string, nowMs: number): SignedCallback {
  requireMethod(request, 'POST');
  requireJson(request);
  const { timestamp = '', sign = '' } = request.headers;
  verifyDingTalkSignature({ appSecret, timestamp, sign, nowMs });
  const message = parseWith(DingTalkCallbackSchema, parseJson(decodeUtf8(request.body, 'body')));
  return { message, timestamp, sign };
}

/** A declared Content-Type must be JSON in UTF-8; DingTalk sends `application/json; charset=utf-8`. */
function requireJson(request: HttpRequest): void {
  const declared = request.headers['content-type'];
  if (declared === undefined) return;
  const [type = '', ...parameters] = declared.split(';').map((part) => part.trim().toLowerCase());
  const json = type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
  const charset = parameters.find((parameter) => parameter.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  if (!json || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')) throw new UnsupportedMediaTypeError();
}
