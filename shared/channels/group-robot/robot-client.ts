import type { AxiosInstance } from 'axios';
import { DingTalkApiError, RobotRejectedError, type RobotRejection } from '../../errors';
import { networkReason } from '../../http/network-reason';
import { asRecord } from '../../validation/as-record';
import { connectionOutcome, statusReason } from '../dingtalk/dingtalk-http';
import { ROBOT_BODY_MAX_BYTES, robotBody, signedWebhookUrl, type RobotMessage } from './robot-message';

/**
 * Posts one message to a custom group robot's webhook over the DingTalk HTTP client (shared/channels/dingtalk/
 * dingtalk-http.ts: bounded answers, no redirects, connection tracking). DingTalk answers HTTP 200 with an errcode
 * (docs/group-robot.md §4). The URL carries the access token and the signature: it never goes into an error or a log
 * field (the axios error, whose config holds it, is dropped).
 */
export interface RobotTarget {
  /** The robot's name in the channels config, for errors and logs. */
  name: string;
  webhook: string;
  secret?: string | undefined;
}

export interface RobotClient {
  /**
   * Throws RobotRejectedError for a non-zero errcode (or a body over 20,000 bytes, refused before sending), and
   * DingTalkApiError for a non-200 answer or none (`connection` says whether the request may have reached DingTalk).
   */
  send(robot: RobotTarget, message: RobotMessage): Promise<void>;
}

export interface RobotClientOptions {
  http: AxiosInstance;
  now?: () => number;
}

const REJECTIONS: Readonly<Record<string, RobotRejection>> = {
  '130101': 'rate-limited',
  '310000': 'security',
  '300001': 'token',
  '460101': 'too-large',
  '101002': 'too-large',
  '-1': 'busy',
};

/** Our own errcode for a body refused before sending. */
export const BODY_TOO_LARGE = 'local.tooLarge';

export function createRobotClient(options: RobotClientOptions): RobotClient {
  const now = options.now ?? Date.now;
  return {
    async send(robot, message) {
      const body = robotBody(message);
      const bytes = Buffer.byteLength(body);
      if (bytes > ROBOT_BODY_MAX_BYTES) {
        throw new RobotRejectedError(robot.name, BODY_TOO_LARGE, 'too-large', `: ${bytes} bytes, the limit is ${ROBOT_BODY_MAX_BYTES}`);
      }
      const url = signedWebhookUrl(robot.webhook, robot.secret, now());
      const response = await options.http
        .post(url, body, { headers: { 'content-type': 'application/json; charset=utf-8' }, validateStatus: () => true, maxRedirects: 0 })
        .catch((error: unknown) => {
          const connection = connectionOutcome(error);
          throw new DingTalkApiError(`group robot ${robot.name} failed: ${networkReason(error)}`, undefined, undefined, { connection });
        });
      const data = asRecord(response.data);
      const errcode = data['errcode'];
      if (response.status !== 200) {
        throw new DingTalkApiError(`group robot ${robot.name} answered ${statusReason(response.status)}`, response.status);
      }
      if (errcode === 0 || errcode === '0') return;
      const code = errcode === undefined ? 'none' : String(errcode);
      // DingTalk's errmsg says which check failed (keywords, sign, timestamp); it names no secret.
      const errmsg = typeof data['errmsg'] === 'string' ? `: ${data['errmsg'].slice(0, 200)}` : '';
      throw new RobotRejectedError(robot.name, code, REJECTIONS[code] ?? 'other', errmsg);
    },
  };
}
