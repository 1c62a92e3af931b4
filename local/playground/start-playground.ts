import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DingTalkStandIn } from '../dingtalk/dingtalk-stand-in';
import { parseLogLine, readableLogLine } from '../logs/log-line';
import { timeZoneLabel } from '../logs/time-zone';
import { createEventHub } from './event-hub';
import { readHistory, type HistoryLayout } from './history-view';
import type { AppendLog } from '../../shared/storage/append-log';
import type { PlaygroundActions } from './playground-actions';
import type { PlaygroundLogLine } from './playground-api';
import { dingTalkChatOf, playgroundConversations, PLAYGROUND_MEMBERS } from './playground-fixture';
import { PlaygroundInputError } from './playground-errors';
import { createPlaygroundRoutes } from './playground-routes';
import { createPlaygroundSettings, type SettingsDependencies } from './playground-settings';
import { createPictureShelf } from './pictures';
import { sendMessage } from './send-message';
import { feedOf } from './stand-in-feed';
import { createTurnTracker } from './turn-tracker';
import { createWechatSender } from './wechat-sender';

export interface PlaygroundDependencies extends Omit<SettingsDependencies, 'initial'> {
  /** The HTTP trigger's URL (the local stack's), where the page's callbacks go. */
  triggerUrl: string;
  env: Readonly<Record<string, string>>;
  standIn: DingTalkStandIn;
  demoModelOn: boolean;
  history: { log: AppendLog; layout: HistoryLayout };
  ossRequests(): number;
  admins: readonly string[];
  pageDir: string;
  fontDir: string;
  timeZone?: string;
  now?: () => number;
}

/**
 * The local playground (docs/playground.md): a DingTalk-like page whose messages go through the real local stack as
 * signed callbacks, with the DingTalk stand-in's deliveries, the functions' log lines and each turn's figures
 * streamed back to it. Returns the HTTP handler for /playground and the taps the local server feeds.
 */
export function startPlayground(deps: PlaygroundDependencies) {
  const now = deps.now ?? Date.now;
  const timeZone = deps.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const hub = createEventHub();
  const pictures = createPictureShelf();
  const settings = createPlaygroundSettings({ ...deps, initial: { demoModel: deps.demoModelOn } });
  const tracker = createTurnTracker({
    ossRequests: deps.ossRequests,
    onFigures: (turn) => hub.publish({ type: 'figures', msgId: turn.msgId, conversationId: turn.conversationId, figures: turn.figures }),
  });
  let sequence = 0;
  const unsubscribe = deps.standIn.subscribe((event) => {
    const feed = feedOf(event, (sequence += 1));
    if (feed === undefined) return;
    hub.publish(feed.event);
    tracker.delivered(feed.delivery.conversationId, feed.delivery);
  });
  const wechat = createWechatSender(deps.triggerUrl, deps.env);

  const actions: PlaygroundActions = {
    state: () => ({
      robot: { name: deps.env['LOCAL_ROBOT_NAME'] ?? '智能助手' },
      members: PLAYGROUND_MEMBERS.map((member) => ({ ...member, admin: deps.admins.includes(member.id) })),
      conversations: playgroundConversations(),
      settings: settings.current(),
      wechat: Boolean(deps.env['WECHAT_TOKEN']),
      timeZone: { name: timeZone, label: timeZoneLabel(timeZone, now()) },
    }),
    events: (request, response) => hub.attach(request, response),
    async send(request) {
      const shown = (msgId: string, at: number, atRobot: boolean, pictureUrl?: string): void =>
        hub.publish({
          type: 'user-message',
          conversationId: request.conversationId,
          msgId,
          memberId: request.memberId,
          text: request.text,
          mentions: request.mentions ?? [],
          atRobot,
          ...(pictureUrl === undefined ? {} : { pictureUrl }),
          at,
        });
      const result = await sendMessage(
        {
          callbackUrl: `${deps.triggerUrl}/`,
          appKey: deps.env['DINGTALK_APP_KEY'] ?? '',
          appSecret: deps.env['DINGTALK_APP_SECRET'] ?? '',
          webhookUrl: (session) => deps.standIn.webhookUrl(session),
          addPicture: (code, picture) => {
            pictures.put(code, picture);
            deps.standIn.addFile(code, { body: picture.body, contentType: picture.contentType });
          },
          now,
        },
        request,
        (msgId, sentAt, pictureUrl) => {
          tracker.started({ msgId, conversationId: request.conversationId, sentAt });
          shown(msgId, sentAt, true, pictureUrl);
        },
      );
      if (!result.sent) shown(result.msgId, now(), false);
      if (result.ackMs !== undefined) tracker.acknowledged(result.msgId, result.ackMs);
      if (result.sent && result.status !== 200) tracker.ended(result.msgId);
      return result;
    },
    settings(request) {
      const current = settings.update(request);
      hub.publish({ type: 'settings', settings: current });
      return current;
    },
    wechat: (request) => wechat.send(request),
    async history(conversationId, memberId) {
      const chat = dingTalkChatOf(conversationId, memberId);
      if (chat === undefined) throw new PlaygroundInputError(404, `${memberId} has no chat ${conversationId}`);
      return readHistory(deps.history.log, deps.history.layout, chat, memberId);
    },
    turn: (msgId) => tracker.view(msgId),
    picture: (code) => pictures.get(code),
  };
  const handle = createPlaygroundRoutes({ pageDir: deps.pageDir, fontDir: deps.fontDir, actions });

  return {
    handle: (request: IncomingMessage, response: ServerResponse): boolean => handle(request, response),
    /** One line of the functions' output: a JSON log line joins its turn's log and figures, and goes to the page. */
    logLine(text: string): void {
      const event = parseLogLine(text);
      if (event === undefined) return;
      const line: PlaygroundLogLine = { time: event.time, level: event.level, service: event.service, message: event.message, fields: event.fields, text: readableLogLine(event, { timeZone }) };
      const ids = { ...(event.msgId === undefined ? {} : { msgId: event.msgId }), ...(event.requestId === undefined ? {} : { requestId: event.requestId }) };
      const msgId = tracker.log(line, ids);
      hub.publish({ type: 'log', ...(msgId === undefined ? {} : { msgId }), line });
    },
    workerEnded: (requestId: string): void => tracker.workerEnded(requestId),
    settings: () => settings.current(),
    close(): void {
      unsubscribe();
      hub.close();
    },
  };
}

export type Playground = ReturnType<typeof startPlayground>;
