import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../read-body';

/** The robot's session-webhook posts, received where the local stack lets the worker send them. */
export interface ReplyReceiver {
  /** A fresh session webhook on this receiver, for the callback to carry. */
  webhook: string;
  /** The next reply's text; undefined when none came within `ms`. */
  next(ms: number): Promise<string | undefined>;
  close(): void;
}

/** Listens on 127.0.0.1:`port` (LOCAL_CHAT_PORT), answering as DingTalk's webhook does (`{"errcode":0}`). */
export async function startReplyReceiver(port: number): Promise<ReplyReceiver> {
  const queued: string[] = [];
  let wake: (() => void) | undefined;
  const server = createServer((request, response) => {
    void readBody(request, 1024 * 1024).then((body) => {
      let text = '';
      try {
        const posted = JSON.parse(body?.toString('utf8') ?? '') as { markdown?: { text?: string }; text?: { content?: string } };
        text = posted.markdown?.text ?? posted.text?.content ?? '';
      } catch {
        response.writeHead(400, { 'content-type': 'application/json' }).end('{"errcode":300001,"errmsg":"param error"}');
        return;
      }
      queued.push(text);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
      wake?.();
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return {
    webhook: `http://127.0.0.1:${(server.address() as AddressInfo).port}/robot/sendBySession?session=${randomUUID()}`,
    async next(ms) {
      if (queued.length === 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
      return queued.shift();
    },
    close: () => void server.close(),
  };
}
