import type { ApiLimitKind } from './controls/budget/card-step';

/**
 * Every failure the bot knows about is a BotError with a stable `code`. The callback maps them to HTTP responses in
 * shared/fc/http-response.ts; the worker maps them to the user's Chinese message in shared/turn/user-messages.ts.
 * Nothing else decides how an error looks to the outside.
 */
/**
 * Every code there is. The two tables that map codes to the outside are `Record<ErrorCode, …>`, so a code added here
 * fails the type check until both say what it looks like. (No spreads: a plain literal is dropped from bundles that
 * only need the type, such as the functions' loaders.)
 */
export const ERROR_CODES = [
  'CONFIG_INVALID',
  'METHOD_NOT_ALLOWED',
  'ROUTE_NOT_FOUND',
  'PAYLOAD_TOO_LARGE',
  'PAYLOAD_INVALID',
  'SIGNATURE_INVALID',
  'SIGNATURE_REUSED',
  'UNSUPPORTED_MEDIA_TYPE',
  'CALLBACK_IMPLAUSIBLE',
  'WEBHOOK_HOST_REFUSED',
  'INVOKE_FAILED',
  'MODEL_NOT_CONFIGURED',
  'MODEL_AUTH',
  'MODEL_RATE_LIMIT',
  'MODEL_TIMEOUT',
  'MODEL_UNREACHABLE',
  'MODEL_REJECTED',
  /** A 404 naming the model (OpenAI's `model_not_found`): OPENAI_MODEL or OPENAI_MODELS has a name the service lacks. */
  'MODEL_UNKNOWN',
  /** A 404 that is not about the model: the path does not exist, so OPENAI_BASE_URL is wrong (usually lacks /v1). */
  'MODEL_ENDPOINT_NOT_FOUND',
  'MODEL_SERVER',
  'STORAGE_FAILED',
  'APPEND_CONFLICT',
  'HISTORY_NOT_APPENDABLE',
  'DINGTALK_API',
  'DELIVERY_FAILED',
  'MEDIA_TOO_LARGE',
  'MEDIA_TOTAL_TOO_LARGE',
  'MEDIA_UNSUPPORTED',
  'MEDIA_DOWNLOAD_FAILED',
  'CHANNELS_CONFIG_MISSING',
  'CHANNELS_CONFIG_INVALID',
  'ROBOT_UNKNOWN',
  'JOB_UNKNOWN',
  'PUSH_UNAUTHORIZED',
  'ROBOT_RATE_LIMITED',
  'ROBOT_REJECTED',
  'WECHAT_API',
  'UNEXPECTED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
export type ModelErrorCode = Extract<ErrorCode, `MODEL_${string}`>;
export type MediaErrorCode = Extract<ErrorCode, `MEDIA_${string}`>;

export class BotError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * A setting is missing or malformed. It names the variable and what it expects, in English for the log and in
 * Chinese for the chat, and never carries the value: a misplaced secret must not reach a log or a chat.
 */
export interface SettingExpectation {
  en: string;
  zh: string;
}

export class ConfigError extends BotError {
  constructor(readonly variable: string, readonly expectation: SettingExpectation) {
    super('CONFIG_INVALID', `Setting ${variable} ${expectation.en}`);
  }
}

export class MethodNotAllowedError extends BotError {
  constructor(method: string) {
    super('METHOD_NOT_ALLOWED', `method ${method} is not allowed`);
  }
}

/** The HTTP trigger was called on a path no channel serves (or the push endpoint while PUSH_TOKEN is unset). */
export class RouteNotFoundError extends BotError {
  constructor(path: string) {
    super('ROUTE_NOT_FOUND', `no channel is served at ${path.slice(0, 64)}`);
  }
}

export class PayloadTooLargeError extends BotError {
  constructor(limitBytes: number) {
    super('PAYLOAD_TOO_LARGE', `body is larger than ${limitBytes} bytes`);
  }
}

/** The request or payload did not match its schema; `issues` says where, never echoing secret values. */
export class PayloadParseError extends BotError {
  constructor(readonly issues: string[], options?: { cause?: unknown }) {
    super('PAYLOAD_INVALID', `invalid payload: ${issues.join('; ')}`, options);
  }
}

export class SignatureVerificationError extends BotError {
  constructor(reason: 'missing' | 'stale' | 'mismatch') {
    super('SIGNATURE_INVALID', `signature ${reason}`);
  }
}

/**
 * A (timestamp, sign) pair that already carried another message: DingTalk's signature covers the timestamp only, so
 * a pair authorizes only the message(s) it was first seen with.
 */
export class SignatureReusedError extends BotError {
  constructor(reason: string) {
    super('SIGNATURE_REUSED', `signature already used: ${reason}`);
  }
}

export class UnsupportedMediaTypeError extends BotError {
  constructor() {
    super('UNSUPPORTED_MEDIA_TYPE', 'content-type must be application/json');
  }
}

/** A signed callback whose fields cannot belong to that signature (times far from it, another robot's code). */
export class ImplausibleCallbackError extends BotError {
  constructor(field: string, problem: string) {
    super('CALLBACK_IMPLAUSIBLE', `${field} ${problem}`);
  }
}

/** A session webhook that is not on DINGTALK_WEBHOOK_HOSTS: replies go to DingTalk only. */
export class WebhookHostError extends BotError {
  constructor() {
    super('WEBHOOK_HOST_REFUSED', 'sessionWebhook is not a DingTalk webhook host');
  }
}

export class InvokeError extends BotError {
  constructor(message: string, readonly status?: number, options?: { cause?: unknown }) {
    super('INVOKE_FAILED', message, options);
  }
}

/** The model call failed; `status` is the HTTP status when there was one. */
export class ModelError extends BotError {
  constructor(code: ModelErrorCode, message: string, readonly status?: number, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export class StorageError extends BotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORAGE_FAILED', message, options);
  }
}

/** AppendObject at a stale position (OSS 409 PositionNotEqualToLength): someone appended first. */
export class AppendConflictError extends BotError {
  constructor(key: string, options?: { cause?: unknown }) {
    super('APPEND_CONFLICT', `append position is stale for ${key}`, options);
  }
}

/**
 * The object can take no more appends: it was replaced by a Normal object (OSS 409 ObjectNotAppendable), or it is at
 * OSS's size limit for appendable objects. The conversation moves to a fresh object (shared/history/rotation.ts).
 */
export class NotAppendableError extends BotError {
  constructor(key: string, reason: string, options?: { cause?: unknown }) {
    super('HISTORY_NOT_APPENDABLE', `${key} cannot be appended to: ${reason}`, options);
  }
}

/**
 * A DingTalk OpenAPI or webhook call failed; `status`/`apiCode` are DingTalk's (or our own `local.*` code for a call
 * refused before sending). `connection` is set when no HTTP answer came: whether the request could have reached
 * DingTalk (shared/http/delivery-certainty.ts connectionOutcome).
 */
export class DingTalkApiError extends BotError {
  readonly connection: 'never-established' | 'lost-after-sending' | undefined;
  /**
   * A limit of the organisation's OpenAPI use DingTalk answered with, read from the answer itself: errcode 90020 (the
   * month's calls are spent; any HTTP status) or a 403 whose code contains `QpsLimit` (docs/controls.md §3).
   */
  readonly apiLimit: ApiLimitKind | undefined;

  constructor(
    message: string,
    readonly status?: number,
    readonly apiCode?: string,
    options?: { cause?: unknown; connection?: 'never-established' | 'lost-after-sending' },
  ) {
    super('DINGTALK_API', message, options);
    this.connection = options?.connection;
    this.apiLimit = dingTalkApiLimit(status, apiCode);
  }
}

/** How DingTalk says a limit was reached: see DingTalkApiError.apiLimit. */
export function dingTalkApiLimit(status: number | undefined, apiCode: string | undefined): ApiLimitKind | undefined {
  // The new API names the spent month `Forbidden.AccessDenied.ApiCountLimitForOrg`, the old one 90020 (docs/controls.md §3).
  if (apiCode === QUOTA_EXHAUSTED_ERRCODE || apiCode?.includes('ApiCountLimitForOrg') === true) return 'quota-exhausted';
  if (status === 403 && apiCode?.includes('QpsLimit') === true) return 'qps-limit';
  return undefined;
}

export const QUOTA_EXHAUSTED_ERRCODE = '90020';

/**
 * The limit behind a failure, also when the DingTalk error is wrapped (a MediaError or DeliveryError keeps it as its
 * cause): the turn reports it to the control ledger, and every instance moves down a step.
 */
export function apiLimitOf(error: unknown): ApiLimitKind | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    if (current instanceof DingTalkApiError && current.apiLimit !== undefined) return current.apiLimit;
  }
  return undefined;
}

/**
 * A WeChat API call failed: `errcode` is WeChat's (docs/wechat.md §8), absent when no answer came; `connection` as
 * for DingTalkApiError, when the request got no HTTP answer.
 */
export class WechatApiError extends BotError {
  readonly connection: 'never-established' | 'lost-after-sending' | undefined;

  constructor(message: string, readonly errcode?: number, options?: { cause?: unknown; connection?: 'never-established' | 'lost-after-sending' }) {
    super('WECHAT_API', message, options);
    this.connection = options?.connection;
  }
}

/**
 * A reply part could be delivered by neither the session webhook nor the OpenAPI. `deliveredParts` parts went out
 * before it (those whose outcome is unknown count as out), so a retry passes it as `skipParts`. `retryable` is false
 * when repeating cannot help (the user is outside the app's visible range, the robot is not in the group, a 1:1
 * sender has no staff id, DingTalk refused the request itself); the worker should not have FC retry those.
 */
export class DeliveryError extends BotError {
  readonly deliveredParts: number;
  readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown; deliveredParts?: number; retryable?: boolean }) {
    super('DELIVERY_FAILED', message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.deliveredParts = options?.deliveredParts ?? 0;
    this.retryable = options?.retryable ?? true;
  }
}

/** A picture the user sent could not be fetched from DingTalk or is not an image the model can take. */
export class MediaError extends BotError {
  constructor(code: MediaErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}


/** The channels config object (robots, jobs) is absent, or does not fit its schema; `issues` name paths, never values. */
export class ChannelsConfigError extends BotError {
  constructor(readonly key: string, readonly problem: { kind: 'missing' } | { kind: 'invalid'; issues: readonly string[] }) {
    super(
      problem.kind === 'missing' ? 'CHANNELS_CONFIG_MISSING' : 'CHANNELS_CONFIG_INVALID',
      problem.kind === 'missing'
        ? `channels config ${key} does not exist in the bucket`
        : `channels config ${key} is invalid: ${problem.issues.join('; ')}`,
    );
  }
}

/** A push or a run names a group robot the channels config does not have. */
export class UnknownRobotError extends BotError {
  constructor(readonly robot: string) {
    super('ROBOT_UNKNOWN', `no group robot named "${robot}" in the channels config`);
  }
}

/** A timer trigger's payload names a job the channels config does not have. */
export class UnknownJobError extends BotError {
  constructor(readonly job: string) {
    super('JOB_UNKNOWN', `no job named "${job}" in the channels config`);
  }
}

/** A push request without the bearer token, or with a wrong one. */
export class PushUnauthorizedError extends BotError {
  constructor(reason: 'missing' | 'mismatch') {
    super('PUSH_UNAUTHORIZED', `push token ${reason}`);
  }
}

/**
 * Our own send window refused a group-robot message: the robot is blocked by DingTalk (after errcode 130101), or
 * its window is full and frees up only after the deadline. `freesAt` is epoch ms.
 */
export class RobotRateLimitError extends BotError {
  constructor(
    readonly robot: string,
    readonly reason: 'blocked' | 'window-full',
    readonly sendsInWindow: number,
    readonly freesAt: number,
  ) {
    super('ROBOT_RATE_LIMITED', `group robot ${robot} is ${reason === 'blocked' ? 'blocked by DingTalk' : 'at its limit'} (${sendsInWindow} sends in the window) until ${new Date(freesAt).toISOString()}`);
  }
}

/**
 * A group robot webhook answered with a non-zero errcode (or we refused before sending, `errcode` 'local.tooLarge').
 * `reason` groups the errcodes the bot acts on (docs/group-robot.md §4); `retryable` says whether a later attempt can help.
 */
export type RobotRejection = 'rate-limited' | 'security' | 'token' | 'too-large' | 'busy' | 'other';

export class RobotRejectedError extends BotError {
  constructor(readonly robot: string, readonly errcode: string, readonly reason: RobotRejection, detail: string) {
    super('ROBOT_REJECTED', `group robot ${robot} refused the message (errcode ${errcode}, ${reason})${detail}`);
  }

  /** A 130101 blocks the robot for 10 minutes, longer than FC's retries wait: only a busy DingTalk is worth retrying. */
  get retryable(): boolean {
    return this.reason === 'busy';
  }
}

export function asBotError(error: unknown): BotError {
  if (error instanceof BotError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new BotError('UNEXPECTED', message, { cause: error });
}
