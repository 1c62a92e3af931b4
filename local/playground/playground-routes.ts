import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import { readBody } from '../read-body';
import { PLAYGROUND_API, PLAYGROUND_PATH, SendRequestSchema, SettingsRequestSchema, WechatSendRequestSchema } from './playground-api';
import { refusal } from './request-guard';
import { serveFile } from './static-files';
import type { PlaygroundActions } from './playground-actions';
import { PlaygroundInputError } from './playground-errors';

export interface RouteOptions {
  /** dist/local/playground: index.html, app.js, app.css (npm run build). */
  pageDir: string;
  /** node_modules/@fontsource/noto-sans-sc, served at /playground/fonts/ when installed. */
  fontDir: string;
  actions: PlaygroundActions;
}

/** Pictures are sent as data: URLs (8 MiB at most, SendRequestSchema), so a message body may be that large. */
const BODY_LIMIT = 9 * 1024 * 1024;

const json = (response: ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(text);
};

/**
 * The playground's HTTP surface under /playground: the page's files and its JSON API (local/playground/
 * playground-api.ts). Returns false for any other path, which then goes to the HTTP trigger as before.
 */
export function createPlaygroundRoutes(options: RouteOptions) {
  const { actions } = options;
  const parsed = async <S extends v.GenericSchema>(request: IncomingMessage, schema: S): Promise<v.InferOutput<S>> => {
    const body = await readBody(request, BODY_LIMIT);
    if (body === undefined) throw new PlaygroundInputError(413, `the request is larger than ${BODY_LIMIT} bytes`);
    return v.parse(schema, JSON.parse(body.toString('utf8')));
  };

  async function route(request: IncomingMessage, response: ServerResponse, path: string, url: URL): Promise<void> {
    const method = request.method ?? 'GET';
    if (method === 'GET' && (path === PLAYGROUND_PATH || path === `${PLAYGROUND_PATH}/`)) {
      if (!(await serveFile(response, options.pageDir, 'index.html'))) json(response, 503, { error: '页面尚未构建：请运行 npm start / the page is not built: run npm start' });
      return;
    }
    if (method === 'GET' && path.startsWith(`${PLAYGROUND_PATH}/fonts/`)) {
      if (!(await serveFile(response, options.fontDir, path.slice(`${PLAYGROUND_PATH}/fonts/`.length)))) json(response, 404, { error: 'no such font file' });
      return;
    }
    if (!path.startsWith(`${PLAYGROUND_API}/`)) {
      if (method !== 'GET' || !(await serveFile(response, options.pageDir, path.slice(PLAYGROUND_PATH.length + 1)))) json(response, 404, { error: 'no such file' });
      return;
    }
    const api = `${method} ${path.slice(PLAYGROUND_API.length)}`;
    if (api === 'GET /state') return json(response, 200, actions.state());
    if (api === 'GET /events') return actions.events(request, response);
    if (api === 'POST /messages') return json(response, 200, await actions.send(await parsed(request, SendRequestSchema)));
    if (api === 'POST /settings') return json(response, 200, actions.settings(await parsed(request, SettingsRequestSchema)));
    if (api === 'POST /wechat') return json(response, 200, await actions.wechat(await parsed(request, WechatSendRequestSchema)));
    if (api === 'GET /history') {
      return json(response, 200, await actions.history(url.searchParams.get('conversationId') ?? '', url.searchParams.get('memberId') ?? ''));
    }
    const turn = /^GET \/turns\/([\w-]{1,100})$/.exec(api)?.[1];
    if (turn !== undefined) {
      const view = actions.turn(turn);
      return view === undefined ? json(response, 404, { error: 'no such turn' }) : json(response, 200, view);
    }
    const picture = /^GET \/pictures\/([\w-]{1,100})$/.exec(api)?.[1];
    const found = picture === undefined ? undefined : actions.picture(picture);
    if (found !== undefined) {
      response.writeHead(200, { 'content-type': found.contentType, 'content-length': found.body.length }).end(found.body);
      return;
    }
    json(response, 404, { error: `no such playground API: ${api}` });
  }

  return (request: IncomingMessage, response: ServerResponse): boolean => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path !== PLAYGROUND_PATH && !path.startsWith(`${PLAYGROUND_PATH}/`)) return false;
    const refused = refusal(request);
    if (refused !== undefined) {
      json(response, 403, { error: refused });
      return true;
    }
    route(request, response, path, url).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      json(response, statusOf(error), { error: statusOf(error) === 500 ? `playground error: ${(error as Error).message}` : (error as Error).message });
    });
    return true;
  };
}

/** The one place a playground failure becomes a status: bad input is the page's mistake (4xx), the rest is ours. */
function statusOf(error: unknown): number {
  if (error instanceof PlaygroundInputError) return error.status;
  return error instanceof v.ValiError || error instanceof SyntaxError ? 400 : 500;
}
