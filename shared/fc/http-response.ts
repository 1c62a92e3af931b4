import { asBotError, type ErrorCode } from '../errors';
import { jsonResponse, type HttpResponse } from './http-event';

/**
 * The one place where an error becomes an HTTP response. Client mistakes get their status and a short reason;
 * a dependency that is down gets 503 with a fixed reason, so DingTalk may deliver again; everything else is a generic
 * 500 (the details go to the log, never to the caller). A non-BotError counts as UNEXPECTED.
 */
type HttpMapping = { kind: 'client'; status: number } | { kind: 'unavailable'; reason: string } | { kind: 'internal' };

const CLIENT = (status: number): HttpMapping => ({ kind: 'client', status });
const INTERNAL: HttpMapping = { kind: 'internal' };

const HTTP_BY_CODE: Record<ErrorCode, HttpMapping> = {
  CONFIG_INVALID: INTERNAL,
  METHOD_NOT_ALLOWED: CLIENT(405),
  ROUTE_NOT_FOUND: CLIENT(404),
  PAYLOAD_TOO_LARGE: CLIENT(413),
  PAYLOAD_INVALID: CLIENT(400),
  SIGNATURE_INVALID: CLIENT(401),
  SIGNATURE_REUSED: CLIENT(403),
  UNSUPPORTED_MEDIA_TYPE: CLIENT(415),
  CALLBACK_IMPLAUSIBLE: CLIENT(400),
  WEBHOOK_HOST_REFUSED: CLIENT(400),
  INVOKE_FAILED: { kind: 'unavailable', reason: 'worker unavailable' },
  MODEL_NOT_CONFIGURED: INTERNAL,
  MODEL_AUTH: INTERNAL,
  MODEL_RATE_LIMIT: INTERNAL,
  MODEL_TIMEOUT: INTERNAL,
  MODEL_UNREACHABLE: INTERNAL,
  MODEL_REJECTED: INTERNAL,
  MODEL_UNKNOWN: INTERNAL,
  MODEL_ENDPOINT_NOT_FOUND: INTERNAL,
  MODEL_SERVER: INTERNAL,
  // The callback's store of seen signatures; DingTalk may deliver again when it is back.
  STORAGE_FAILED: { kind: 'unavailable', reason: 'storage unavailable' },
  APPEND_CONFLICT: INTERNAL,
  HISTORY_NOT_APPENDABLE: INTERNAL,
  DINGTALK_API: INTERNAL,
  DELIVERY_FAILED: INTERNAL,
  MEDIA_TOO_LARGE: INTERNAL,
  MEDIA_TOTAL_TOO_LARGE: INTERNAL,
  MEDIA_UNSUPPORTED: INTERNAL,
  MEDIA_DOWNLOAD_FAILED: INTERNAL,
  CHANNELS_CONFIG_MISSING: INTERNAL,
  CHANNELS_CONFIG_INVALID: INTERNAL,
  ROBOT_UNKNOWN: CLIENT(400),
  JOB_UNKNOWN: INTERNAL,
  PUSH_UNAUTHORIZED: CLIENT(401),
  ROBOT_RATE_LIMITED: INTERNAL,
  ROBOT_REJECTED: INTERNAL,
  WECHAT_API: INTERNAL,
  UNEXPECTED: INTERNAL,
};

export function errorToHttpResponse(error: unknown): HttpResponse {
  const botError = asBotError(error);
  const mapping = HTTP_BY_CODE[botError.code];
  switch (mapping.kind) {
    case 'client': {
      const response = jsonResponse(mapping.status, { error: botError.code, message: botError.message });
      if (mapping.status === 405) response.headers['allow'] = 'POST, GET';
      return response;
    }
    case 'unavailable':
      return jsonResponse(503, { error: botError.code, message: mapping.reason });
    case 'internal':
      return jsonResponse(500, { error: 'INTERNAL', message: 'internal error' });
  }
}

export const isClientError = (error: unknown): boolean => HTTP_BY_CODE[asBotError(error).code].kind === 'client';
