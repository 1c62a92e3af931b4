import { randomUUID } from 'node:crypto';
import { buildTextCallback, signedHeaders } from '../dingtalk-callback';
import { PLAYGROUND_API, type SendRequest, type SendResult } from './playground-api';
import { dingTalkChatOf, memberById } from './playground-fixture';
import { pictureOf, type Picture } from './pictures';
import { PlaygroundInputError } from './playground-errors';

export interface SendDependencies {
  /** The HTTP trigger's URL: the callback goes there over HTTP, signed, exactly as DingTalk sends it. */
  callbackUrl: string;
  appKey: string;
  appSecret: string;
  /** A session webhook on the DingTalk stand-in for this session id (it then accepts replies there). */
  webhookUrl(sessionId: string): string;
  /** Makes the picture downloadable with this code through the stand-in's messageFiles API. */
  addPicture(downloadCode: string, picture: Picture): void;
  now(): number;
}


/**
 * One message from the page, as DingTalk would hand it to the robot: a group message reaches the robot only when it
 * @-mentions it (docs/dingtalk.md §1), so one that does not is not sent at all. The reply address is a session
 * webhook on the stand-in that names the page chat, so the answer lands in the chat it came from.
 */
export async function sendMessage(deps: SendDependencies, request: SendRequest, onSent: (msgId: string, at: number, pictureUrl?: string) => void): Promise<SendResult> {
  const chat = dingTalkChatOf(request.conversationId, request.memberId);
  if (chat === undefined) throw new PlaygroundInputError(400, `${request.memberId} is not a member of ${request.conversationId}`);
  const msgId = `msg${randomUUID().replace(/-/g, '')}`;
  const atRobot = !chat.group || request.atRobot !== false;
  if (!atRobot) return { msgId, sent: false };
  const picture = request.picture === undefined ? undefined : pictureOf(request.picture);
  if (request.picture !== undefined && picture === undefined) throw new PlaygroundInputError(400, 'the picture is not a PNG, JPEG, GIF or WebP data URL');
  const downloadCode = picture === undefined ? undefined : `pg-${randomUUID()}`;
  if (picture !== undefined && downloadCode !== undefined) deps.addPicture(downloadCode, picture);
  const sentAt = deps.now();
  const body = buildTextCallback({
    text: request.text,
    sessionWebhook: deps.webhookUrl(`${request.conversationId}~${request.memberId}~${randomUUID()}`),
    robotCode: deps.appKey,
    group: chat.group,
    conversationId: chat.conversationId,
    ...(chat.title === undefined ? {} : { conversationTitle: chat.title }),
    user: request.memberId,
    nick: nickOf(request.memberId),
    msgId,
    now: sentAt,
    ...(request.mentions?.length ? { mentions: request.mentions.map((staffId) => ({ staffId })) } : {}),
    ...(downloadCode === undefined ? {} : { picture: { downloadCode } }),
  });
  const pictureUrl = downloadCode === undefined ? undefined : `${PLAYGROUND_API}/pictures/${downloadCode}`;
  onSent(msgId, sentAt, pictureUrl);
  const response = await fetch(deps.callbackUrl, { method: 'POST', headers: signedHeaders(deps.appSecret, sentAt), body: JSON.stringify(body) });
  const text = await response.text();
  return { msgId, sent: true, status: response.status, body: text, ackMs: deps.now() - sentAt, ...(pictureUrl === undefined ? {} : { pictureUrl }) };
}

const nickOf = (memberId: string): string => memberById(memberId)?.nick ?? memberId;
