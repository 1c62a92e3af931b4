import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { readBody } from './read-body';

/**
 * `npm start`'s stand-in for DingTalk's custom group robots: the webhooks of the robots in the local channels config
 * point here (127.0.0.1:LOCAL_ROBOT_PORT), and each message the bot posts is printed. It checks what DingTalk checks
 * (docs/group-robot.md §2): the access token, 加签 (timestamp within an hour, HMAC-SHA256 sign) or a keyword, and
 * answers with DingTalk's errcodes, so a wrong secret shows up locally as it would in the cloud.
 */
export interface ReceiverRobot {
  name: string;
  secret?: string | undefined;
  keywords?: readonly string[] | undefined;
}

export interface GroupRobotReceiverOptions {
  port: number;
  /** By access token. */
  robots: ReadonlyMap<string, ReceiverRobot>;
  print: (text: string) => void;
  now?: () => number;
}

interface PostedMessage {
  msgtype?: string;
  markdown?: { title?: string; text?: string };
  text?: { content?: string };
}

export const groupRobotReceiverPort = (env: Readonly<Record<string, string | undefined>>): number => Number(env['LOCAL_ROBOT_PORT'] ?? 9002);
export const groupRobotReceiverHost = (env: Readonly<Record<string, string | undefined>>): string => `127.0.0.1:${groupRobotReceiverPort(env)}`;

export async function startGroupRobotReceiver(options: GroupRobotReceiverOptions): Promise<Server> {
  const now = options.now ?? Date.now;
  const server = createServer((request, response) => {
    void readBody(request, 20_000).then((body) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const robot = options.robots.get(url.searchParams.get('access_token') ?? '');
      const answer = (errcode: number, errmsg: string): void => {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ errcode, errmsg }));
        if (errcode !== 0) options.print(`[group-robot] ${robot?.name ?? '?'} refused a message: ${errcode} ${errmsg}`);
      };
      if (request.method !== 'POST' || url.pathname !== '/robot/send' || robot === undefined) return answer(300001, 'token not exist');
      if (body === undefined) return answer(460101, 'message too long, exceed 20000 bytes');
      if (robot.secret !== undefined && !signatureFits(url, robot.secret, now())) return answer(310000, 'sign not match');
      let message: PostedMessage;
      try {
        message = JSON.parse(body.toString('utf8')) as PostedMessage;
      } catch {
        return answer(300001, 'param error');
      }
      const text = message.markdown?.text ?? message.text?.content ?? '';
      if (robot.keywords !== undefined && !robot.keywords.some((keyword) => `${message.markdown?.title ?? ''}\n${text}`.includes(keyword))) {
        return answer(310000, 'keywords not in content');
      }
      options.print(`\n📣 群机器人 ${robot.name} (group robot)${message.markdown?.title && !text.startsWith(message.markdown.title) ? ` — ${message.markdown.title}` : ''}\n${text}\n`);
      answer(0, 'ok');
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(options.port, '127.0.0.1', resolve));
  return server;
}

function signatureFits(url: URL, secret: string, at: number): boolean {
  const timestamp = url.searchParams.get('timestamp') ?? '';
  if (!/^\d+$/.test(timestamp) || Math.abs(at - Number(timestamp)) > 3_600_000) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest();
  const given = Buffer.from(url.searchParams.get('sign') ?? '', 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
