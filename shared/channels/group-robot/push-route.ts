import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { PayloadTooLargeError, PushUnauthorizedError, RouteNotFoundError, UnknownRobotError } from '../../errors';
import type { FcContext } from '../../fc/context';
import { jsonResponse, requireMethod, type HttpRequest, type HttpResponse } from '../../fc/http-event';
import type { Logger } from '../../logging/logger';
import { equalSecret } from '../../validation/equal-secret';
import { decodeUtf8, parseJson, parseWith } from '../../validation/parse';
import type { ChannelRoute } from '../channel';
import type { ChannelsConfig } from './channels-config';
import { MAX_PROMPT_CHARS, NAME_PATTERN } from './channels-config';
import { groupRobotTaskId, groupRobotWorkerEvent, type GroupRobotMessage, type GroupRobotWorkerEvent } from './group-robot-message';

/**
 * POST /push: CI or monitoring asks the bot something and the answer goes to a named group robot. The caller shows
 * `Authorization: Bearer <PUSH_TOKEN>`, checked timing-safe before the body is read; the body names the robot, the
 * prompt and optionally an idempotency key. The request is handed to the worker as an async task whose id derives
 * from that key, so a caller's retry runs once; the answer is 202 with the id. With PUSH_TOKEN unset the route is
 * off and answers 404, like any path nobody serves.
 */
export interface PushRouteOptions {
  /** PUSH_TOKEN; undefined turns the route off. */
  pushToken: string | undefined;
  /** The channels config, through the per-instance cache, with this invocation's credentials. */
  readConfig: (context: FcContext) => Promise<ChannelsConfig>;
  /** Submits the event as an async task with `taskId`; `duplicate` when that task id was submitted before. */
  handOver: (event: GroupRobotWorkerEvent, taskId: string, context: FcContext) => Promise<{ duplicate: boolean }>;
  now: () => number;
  logger: Logger;
  /** Default 32 KB: room for the largest prompt (16,000 characters of ASCII-escaped text fit), far below FC's 128 KB. */
  maxBodyBytes?: number;
  newId?: () => string;
}

export const PUSH_PATH = '/push';

const PushBodySchema = v.strictObject({
  robot: v.pipe(v.string(), v.regex(NAME_PATTERN)),
  prompt: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(MAX_PROMPT_CHARS)),
  /** The caller's idempotency key: the same key is answered once. */
  id: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9._:-]{1,128}$/))),
});

export function createPushRoute(options: PushRouteOptions): ChannelRoute {
  const maxBodyBytes = options.maxBodyBytes ?? 32 * 1024;
  const newId = options.newId ?? randomUUID;
  const log = options.logger.child({ channel: 'group-robot', route: PUSH_PATH });

  return {
    path: PUSH_PATH,
    // Whatever it refuses it throws: the router (shared/callback/router.ts) logs it once and maps it to the response.
    async handle(request: HttpRequest, context: FcContext): Promise<HttpResponse> {
      const { pushToken } = options;
      if (pushToken === undefined) throw new RouteNotFoundError(PUSH_PATH);
      checkBearer(request.headers['authorization'], pushToken);
      requireMethod(request, 'POST');
      if (request.body.length > maxBodyBytes) throw new PayloadTooLargeError(maxBodyBytes);
      const body = parseWith(PushBodySchema, parseJson(decodeUtf8(request.body, 'body')));
      const config = await options.readConfig(context);
      if (!Object.hasOwn(config.robots, body.robot)) throw new UnknownRobotError(body.robot);
      const id = body.id ?? newId();
      const message: GroupRobotMessage = { robot: body.robot, prompt: body.prompt, runId: `push:${id}`, source: 'push' };
      const event = groupRobotWorkerEvent(message, options.now());
      const { duplicate } = await options.handOver(event, groupRobotTaskId(message), context);
      log.info(duplicate ? 'push already handed over' : 'push accepted', { robot: body.robot, push_id: id, deliveryId: event.deliveryId });
      return jsonResponse(202, { id, ...(duplicate ? { duplicate: true } : {}) });
    },
  };
}

function checkBearer(header: string | undefined, expected: string): void {
  const match = header === undefined ? null : /^Bearer +(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw new PushUnauthorizedError('missing');
  if (!equalSecret(expected, match[1])) throw new PushUnauthorizedError('mismatch');
}
