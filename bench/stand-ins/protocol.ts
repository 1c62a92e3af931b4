import type { OssRequestRecord } from '../../local/oss/oss-server';
import type { StandInFailure, StandInMessage, StandInRoute } from '../../local/dingtalk/dingtalk-stand-in';
import type { FakeReply } from '../../test/helpers/fake-openai';

/**
 * What the bench and its stand-ins process (stand-ins/process.ts) say to each other over IPC. The stand-ins are the
 * local OSS server, the fake OpenAI, the fake DingTalk and a canned FC invoke endpoint; each request they answer is
 * logged whole (method, path and query, headers, body, status), so a floor can replay it byte for byte.
 */
export type StandInName = 'oss' | 'openai' | 'dingtalk' | 'fc';

export interface LoggedRequest {
  server: StandInName;
  method: string;
  /** Path and query as sent. */
  path: string;
  headers: Record<string, string | string[]>;
  /** The body, base64. */
  body: string;
  /** The status answered. */
  status: number;
}

export interface StandInUrls {
  oss: string;
  /** The fake OpenAI's base URL, `http://127.0.0.1:<port>/v1`. */
  openai: string;
  dingtalk: string;
  fc: string;
}

/** The OSS buckets: the worker's, the callback's, and a twin of each that the floors replay into. */
export const BUCKETS = {
  history: 'bench-history',
  historyTwin: 'bench-history-twin',
  signatures: 'bench-signatures',
  signaturesTwin: 'bench-signatures-twin',
} as const;

/** The one credential the OSS stand-in accepts: an STS credential, as FC hands a function. */
export const STS = { accessKeyId: 'STS.bench', accessKeySecret: 'bench-sts-secret', securityToken: 'bench-sts-token' };

export type StandInCommand =
  | { type: 'urls' }
  | { type: 'log'; since: number }
  | { type: 'logLength' }
  | { type: 'ossRecords'; since: number }
  | { type: 'ossRecordCount' }
  | { type: 'session'; id: string }
  | { type: 'addFile'; downloadCode: string; pngBytes: number }
  | { type: 'failNext'; route: StandInRoute; times: number; failure: StandInFailure }
  | { type: 'enqueueModel'; replies: FakeReply[] }
  | { type: 'lastMessage' }
  | { type: 'lastModelBody' };

export interface StandInAnswers {
  urls: StandInUrls;
  log: LoggedRequest[];
  logLength: number;
  ossRecords: OssRequestRecord[];
  ossRecordCount: number;
  session: string;
  addFile: null;
  failNext: null;
  enqueueModel: null;
  lastMessage: StandInMessage | null;
  lastModelBody: unknown;
}

export interface StandInEnvelope {
  id: number;
  command: StandInCommand;
}

export type StandInReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
