import { createHmac } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * DingTalk's custom group robots as a plain HTTP server on 127.0.0.1, speaking the webhook protocol the robot
 * client uses (docs/group-robot.md §2, §3, §4): `POST /robot/send?access_token=…`, answered HTTP 200 with an errcode.
 * Per robot (one access token each) it checks 加签 (timestamp within an hour of its clock, HMAC-SHA256 sign) or the
 * keywords, refuses bodies over 20,000 bytes, and allows 20 messages a minute, then answers 130101 for 10 minutes.
 * The clock is injectable, so a test can step past the minute or the block without waiting.
 */
export interface FakeRobotSecurity {
  secret?: string;
  keywords?: readonly string[];
}

export interface AcceptedRobotMessage {
  token: string;
  at: number;
  body: { msgtype: string; markdown?: { title: string; text: string }; text?: { content: string } };
}

export type FakeRobotFailure = { errcode: number; errmsg: string } | { status: number } | 'hangup' | 'handled-then-hangup';

export interface FakeGroupRobot {
  url: string;
  /** The webhook of the robot with `token`, as its settings page shows it. */
  webhookOf(token: string): string;
  accepted: AcceptedRobotMessage[];
  /** Every request's errcode (or 'hangup'), in order. */
  answers: Array<number | string>;
  /** The next `times` requests get `failure` instead of being handled ('handled-then-hangup' handles, then hangs up). */
  failNext(failure: FakeRobotFailure, times?: number): void;
  close(): Promise<void>;
}

const LIMIT_PER_MINUTE = 20;
const BLOCK_MS = 10 * 60_000;
const BODY_MAX_BYTES = 20_000;

export async function startFakeGroupRobot(options: { robots: Record<string, FakeRobotSecurity>; now?: () => number }): Promise<FakeGroupRobot> {
  const now = options.now ?? Date.now;
  const accepted: AcceptedRobotMessage[] = [];
  const answers: Array<number | string> = [];
  const blockedUntil = new Map<string, number>();
  const failures: FakeRobotFailure[] = [];

  const answer = (res: ServerResponse, errcode: number, errmsg: string): void => {
    answers.push(errcode);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ errcode, errmsg }));
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const failure = failures.shift();
      if (failure === 'hangup' || (typeof failure === 'object' && 'status' in failure)) {
        answers.push(failure === 'hangup' ? 'hangup' : failure.status);
        if (failure === 'hangup') res.socket?.destroy();
        else res.writeHead(failure.status).end();
        return;
      }
      if (typeof failure === 'object') return answer(res, failure.errcode, failure.errmsg);
      const result = handle(new URL(req.url ?? '/', 'http://127.0.0.1'), req.method ?? '', raw);
      if (failure === 'handled-then-hangup') {
        answers.push('hangup');
        res.socket?.destroy();
        return;
      }
      answer(res, result.errcode, result.errmsg);
    });
  });

  function handle(url: URL, method: string, raw: Buffer): { errcode: number; errmsg: string } {
    const token = url.searchParams.get('access_token') ?? '';
    const robot = options.robots[token];
    if (method !== 'POST' || url.pathname !== '/robot/send' || robot === undefined) return { errcode: 300001, errmsg: 'token not exist' };
    if (raw.length > BODY_MAX_BYTES) return { errcode: 460101, errmsg: 'message too long, exceed 20000 bytes' };
    const at = now();
    if ((blockedUntil.get(token) ?? 0) > at) return { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' };
    let body: AcceptedRobotMessage['body'];
    try {
      body = JSON.parse(raw.toString('utf8')) as AcceptedRobotMessage['body'];
    } catch {
      return { errcode: 300001, errmsg: 'param error' };
    }
    if (robot.secret !== undefined) {
      const timestamp = url.searchParams.get('timestamp') ?? '';
      if (!/^\d+$/.test(timestamp) || Math.abs(at - Number(timestamp)) > 3_600_000) return { errcode: 310000, errmsg: 'invalid timestamp' };
      const expected = createHmac('sha256', robot.secret).update(`${timestamp}\n${robot.secret}`).digest('base64');
      if (url.searchParams.get('sign') !== expected) return { errcode: 310000, errmsg: 'sign not match' };
    }
    if (robot.keywords !== undefined) {
      const content = `${body.markdown?.title ?? ''}\n${body.markdown?.text ?? ''}\n${body.text?.content ?? ''}`;
      if (!robot.keywords.some((keyword) => content.includes(keyword))) return { errcode: 310000, errmsg: 'keywords not in content' };
    }
    const lastMinute = accepted.filter((message) => message.token === token && message.at > at - 60_000).length;
    if (lastMinute >= LIMIT_PER_MINUTE) {
      blockedUntil.set(token, at + BLOCK_MS);
      return { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' };
    }
    accepted.push({ token, at, body });
    return { errcode: 0, errmsg: 'ok' };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    webhookOf: (token) => `${url}/robot/send?access_token=${token}`,
    accepted,
    answers,
    failNext(failure, times = 1) {
      for (let index = 0; index < times; index += 1) failures.push(failure);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
