import type { ChannelRoute } from '../channels/channel';
import { asBotError, RouteNotFoundError } from '../errors';
import type { FcContext } from '../fc/context';
import { jsonResponse, toHttpRequest, type HttpResponse } from '../fc/http-event';
import { errorToHttpResponse, isClientError } from '../fc/http-response';
import { withLogFields, type Logger } from '../logging/logger';

export interface CallbackRouterDependencies {
  /** One per channel the deployment serves, each on its own trigger path. */
  routes: readonly ChannelRoute[];
  /** A larger body is refused before it is decoded or parsed, whatever its path. */
  maxBodyBytes: number;
  logger: Logger;
  /** What GET and HEAD of `/` answer; by default 200 {"status":"ok"} (the misconfigured callback says it is not). */
  health?: HttpResponse;
}

/**
 * The HTTP trigger: the FC event becomes a request, which goes to the route of its path. A path no route serves is
 * answered 404 and starts no work; GET and HEAD of `/` answer a short health check. A route throws a BotError for
 * anything it refuses, and it becomes the response here (shared/fc/http-response.ts), logged once.
 */
export function createCallbackRouter(deps: CallbackRouterDependencies) {
  const routes = new Map(deps.routes.map((route) => [normalizePath(route.path), route]));
  const health = deps.health ?? jsonResponse(200, { status: 'ok' });
  return (event: Buffer, context: FcContext): Promise<HttpResponse> =>
    withLogFields({ request_id: context.requestId }, async () => {
      try {
        const request = toHttpRequest(event, deps.maxBodyBytes);
        const path = normalizePath(request.path);
        if (path === '/' && (request.method === 'GET' || request.method === 'HEAD')) return health;
        const route = routes.get(path);
        if (route === undefined) throw new RouteNotFoundError(path);
        return await route.handle({ ...request, path }, context);
      } catch (error) {
        const botError = asBotError(error);
        if (isClientError(botError)) deps.logger.warn('callback refused', { error: botError });
        else deps.logger.error('callback failed', { error: botError });
        return errorToHttpResponse(botError);
      }
    });
}

/** `/wechat/` is `/wechat`; an empty path is `/`. */
export function normalizePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}
