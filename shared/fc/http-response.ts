import { BotError } from '../errors';
import { jsonResponse, type HttpResponse } from './http-event';

/**
 * The one place where an error becomes an HTTP response. Client mistakes get their status and a short reason;
 * everything else is a generic 500 (the details go to the log, never to the caller).
 */
const CLIENT_ERRORS: Partial<Record<BotError['code'], number>> = {
  METHOD_NOT_ALLOWED: 405,
  ROUTE_NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  PAYLOAD_INVALID: 400,
  SIGNATURE_INVALID: 401,
  SIGNATURE_REUSED: 403,
  UNSUPPORTED_MEDIA_TYPE: 415,
  CALLBACK_IMPLAUSIBLE: 400,
  WEBHOOK_HOST_REFUSED: 400,
  ROBOT_UNKNOWN: 400,
  PUSH_UNAUTHORIZED: 401,
};

export function errorToHttpResponse(error: unknown): HttpResponse {
  if (error instanceof BotError) {
    const status = CLIENT_ERRORS[error.code];
    if (status !== undefined) {
      const response = jsonResponse(status, { error: error.code, message: error.message });
      if (status === 405) response.headers['allow'] = 'POST, GET';
      return response;
    }
    if (error.code === 'INVOKE_FAILED') return jsonResponse(503, { error: error.code, message: 'worker unavailable' });
    // The callback's store of seen signatures; DingTalk may deliver again when it is back.
    if (error.code === 'STORAGE_FAILED') return jsonResponse(503, { error: error.code, message: 'storage unavailable' });
  }
  return jsonResponse(500, { error: 'INTERNAL', message: 'internal error' });
}

export const isClientError = (error: unknown): boolean =>
  error instanceof BotError && CLIENT_ERRORS[error.code] !== undefined;
