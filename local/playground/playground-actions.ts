import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HistoryView, PlaygroundSettings, PlaygroundState, SendRequest, SendResult, SettingsRequest, TurnView, WechatSendRequest, WechatSendResult } from './playground-api';
import type { Picture } from './pictures';

/** What the playground's routes ask of the rest of the local server (wired in start-playground.ts). */
export interface PlaygroundActions {
  state(): PlaygroundState;
  events(request: IncomingMessage, response: ServerResponse): void;
  send(request: SendRequest): Promise<SendResult>;
  settings(request: SettingsRequest): PlaygroundSettings;
  wechat(request: WechatSendRequest): Promise<WechatSendResult>;
  history(conversationId: string, memberId: string): Promise<HistoryView>;
  turn(msgId: string): TurnView | undefined;
  picture(downloadCode: string): Picture | undefined;
}
