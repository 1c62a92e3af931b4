import * as v from 'valibot';

/**
 * What the playground page (local/playground/page/) and the local server's playground routes
 * (local/playground/playground-routes.ts) say to each other, under /playground/api. The page imports the types only;
 * the server checks each request body against the schemas here before it does anything.
 */
export const PLAYGROUND_PATH = '/playground';
export const PLAYGROUND_API = `${PLAYGROUND_PATH}/api`;

/** What the demo model does with the next requests until it is set back to 'none' (local/demo-model). */
export const DEMO_FAILURES = ['none', 'wrong-key', 'down', 'timeout'] as const;
export type DemoFailure = (typeof DEMO_FAILURES)[number];

export interface PlaygroundMember {
  /** The member's staff id, as DingTalk sends it in senderStaffId and atUsers. */
  id: string;
  nick: string;
  /** Listed as an admin in the controls file, so /admin works for them. */
  admin: boolean;
}

export interface PlaygroundConversation {
  /** The page's id for the chat: `dm-<memberId>` for a 1:1 chat with the robot, `group-<name>` for a group. */
  id: string;
  kind: 'single' | 'group';
  title: string;
  memberIds: string[];
}

export interface PlaygroundSettings {
  /** The deterministic local demo model answers instead of the model configured in .env. */
  demoModel: boolean;
  /** Answers stream into AI cards from the local card stand-in; off: markdown messages, as without a template. */
  cards: boolean;
  /** Only meaningful with the demo model: the failure it stages. */
  failure: DemoFailure;
  /** What answers now, for the header: "演示模型 demo" or "gpt-4o-mini @ https://…", or the setup-hint note. */
  modelLabel: string;
  /** Cards can be switched on: the local DingTalk stand-in is in use (not a real DingTalk from .env). */
  cardsAvailable: boolean;
}

export interface PlaygroundState {
  robot: { name: string };
  members: PlaygroundMember[];
  conversations: PlaygroundConversation[];
  settings: PlaygroundSettings;
  /** The WeChat Official Account channel is on (WECHAT_TOKEN set): the page shows its view. */
  wechat: boolean;
  /** The time zone every time on the page is shown in, with its label, e.g. { name: 'Asia/Shanghai', label: 'UTC+8' }. */
  timeZone: { name: string; label: string };
}

export const SendRequestSchema = v.object({
  conversationId: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  memberId: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  /** May be empty: an empty @-mention in a group, or a picture alone. */
  text: v.pipe(v.string(), v.maxLength(20_000)),
  /** Groups only: the message @-mentions the robot. DingTalk hands a group message to the robot only then. */
  atRobot: v.optional(v.boolean()),
  /** Members @-mentioned (their ids), sent as the callback's atUsers. */
  mentions: v.optional(v.array(v.pipe(v.string(), v.maxLength(100)))),
  /** A picture, as a data: URL (PNG, JPEG, GIF or WebP), sent as a picture message with a download code. */
  picture: v.optional(v.pipe(v.string(), v.startsWith('data:image/'), v.maxLength(8 * 1024 * 1024))),
});
export type SendRequest = v.InferOutput<typeof SendRequestSchema>;

export interface SendResult {
  msgId: string;
  /** False for a group message that does not @-mention the robot: DingTalk would not deliver it, so nothing was sent. */
  sent: boolean;
  /** The callback's HTTP status and body, as DingTalk would see them. */
  status?: number;
  body?: string;
  /** Time from sending the callback to its answer. */
  ackMs?: number;
  /** Where the page can show the picture it sent again (GET /playground/api/pictures/<code>). */
  pictureUrl?: string;
}

export const SettingsRequestSchema = v.object({
  demoModel: v.optional(v.boolean()),
  cards: v.optional(v.boolean()),
  failure: v.optional(v.picklist(DEMO_FAILURES)),
});
export type SettingsRequest = v.InferOutput<typeof SettingsRequestSchema>;

export const WechatSendRequestSchema = v.object({
  memberId: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  text: v.pipe(v.string(), v.minLength(1), v.maxLength(2_000)),
});
export type WechatSendRequest = v.InferOutput<typeof WechatSendRequestSchema>;

export interface WechatSendResult {
  /** What the WeChat user sees: the passive reply's text, or undefined when no reply came in WeChat's window. */
  seen?: string;
  /** Why WeChat would not show the reply (wrong shape, wrong account…), when it would not. */
  rejected?: string;
  /** One line per request WeChat made (it asks up to three times). */
  attempts: string[];
}

/** One log event of the functions, parsed from its JSON line; `text` is the readable one-line form. */
export interface PlaygroundLogLine {
  time: number;
  level: string;
  service: string;
  message: string;
  fields: Record<string, unknown>;
  text: string;
}

/** A turn's figures, in ms from the moment the callback was sent; absent until known. */
export interface TurnFigures {
  ackMs?: number;
  firstTokenMs?: number;
  firstCardUpdateMs?: number;
  answerMs?: number;
  /** OSS requests while the turn ran (both functions); `ossShared` when another turn ran at the same time. */
  ossRequests?: number;
  ossShared?: boolean;
  promptTokens?: number;
  completionTokens?: number;
  /** The worker's invocation has ended (answered, refused or failed). */
  done: boolean;
}

/** What the server pushes over GET /playground/api/events (Server-Sent Events, `event: <type>`, JSON data). */
export type PlaygroundEvent =
  | {
      type: 'user-message';
      conversationId: string;
      msgId: string;
      memberId: string;
      text: string;
      mentions: string[];
      atRobot: boolean;
      pictureUrl?: string;
      at: number;
    }
  | {
      type: 'robot-message';
      conversationId: string;
      /** Unique per delivered message. */
      id: string;
      /** How it reached DingTalk: the session webhook, or the robot OpenAPI (1:1 batchSend, group send). */
      via: 'webhook' | 'batchSend' | 'groupSend';
      format: 'markdown' | 'text';
      title: string;
      text: string;
      atMemberIds: string[];
      at: number;
    }
  | {
      type: 'card';
      conversationId: string;
      outTrackId: string;
      /** The whole text shown now (a later event for the same outTrackId replaces it). */
      content: string;
      finalized: boolean;
      failed: boolean;
      atMemberIds: string[];
      at: number;
    }
  | { type: 'log'; msgId?: string; line: PlaygroundLogLine }
  | { type: 'figures'; msgId: string; conversationId: string; figures: TurnFigures }
  | { type: 'settings'; settings: PlaygroundSettings };

export type PlaygroundEventType = PlaygroundEvent['type'];

/** GET /playground/api/history?conversationId=…&memberId=…: the stored history of the chat as that member sees it. */
export interface HistoryView {
  /** The OSS key, and the file under the local data folder that holds it. */
  key: string;
  file: string;
  /** Every JSON line of the object, in order, as stored. */
  records: Array<Record<string, unknown>>;
  /** Lines that are not JSON records (a torn write), counted. */
  unreadable: number;
}

/** GET /playground/api/turns/<msgId>: what the page shows in its log and figures panels for one turn. */
export interface TurnView {
  msgId: string;
  conversationId: string;
  logs: PlaygroundLogLine[];
  figures: TurnFigures;
}
