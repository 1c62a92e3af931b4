import { decrypt as wecomDecrypt, encrypt as wecomEncrypt, getSignature } from '@wecom/crypto';
import { XMLParser } from 'fast-xml-parser';
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';

/**
 * WeChat's side of a conversation with the server URL, written from WeChat's documented behaviour (docs/wechat.md)
 * and sharing no code with the product: SHA-1 signatures computed here, AES through @wecom/crypto. It posts a user's
 * message as WeChat does (plaintext or safe mode), drops a request after `timeoutMs` and sends it again with the same
 * MsgId, three requests in all, and reports what the user finally sees; a reply whose signature, encryption or
 * addressing is wrong is rejected. `npm run chat -- --wechat` and the tests both use it.
 */
export const SERVICE_UNAVAILABLE = '该公众号暂时无法提供服务，请稍后再试';

const readAll = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

export type UserMessage =
  | { type: 'text'; content: string; msgId?: string }
  | { type: 'voice'; recognition?: string; msgId?: string }
  | { type: 'image'; msgId?: string }
  | { type: 'event'; event: 'subscribe' | 'unsubscribe' };

export interface Delivery {
  /** What the user sees in the chat: the reply text, nothing (undefined), or WeChat's failure notice. */
  seen: string | undefined;
  /** One entry per request WeChat made: its HTTP status, or 'dropped' when WeChat stopped waiting. */
  attempts: (number | 'dropped')[];
  /** Why a reply was rejected (bad signature, not decryptable, wrong addressee). */
  rejected?: string;
}

export interface PlatformOptions {
  url: string;
  token: string;
  appId: string;
  /** The account's original id (ToUserName). */
  account: string;
  /** Safe mode when set. */
  encodingAesKey?: string;
  timeoutMs?: number;
  requests?: number;
  now?: () => number;
  /** Told of each request as it is made (1, 2, 3) and how it ended: for `npm run chat -- --wechat`. */
  onAttempt?: (request: number, outcome: number | 'dropped') => void;
}

const sha1 = (parts: string[]): string => createHash('sha1').update([...parts].sort().join('')).digest('hex');
const cdata = (text: string) => `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
const xmlParser = new XMLParser({ parseTagValue: false, trimValues: false });
let sequence = 0;

export function createFakeWechatPlatform(options: PlatformOptions) {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 5000;

  function messageXml(user: string, message: UserMessage, createTime: number): string {
    const head = `<ToUserName>${cdata(options.account)}</ToUserName><FromUserName>${cdata(user)}</FromUserName><CreateTime>${createTime}</CreateTime>`;
    const msgId = message.type === 'event' ? '' : `<MsgId>${message.msgId ?? String(7250021412600020992n + BigInt((sequence += 1)))}</MsgId>`;
    switch (message.type) {
      case 'text': return `<xml>${head}<MsgType>${cdata('text')}</MsgType><Content>${cdata(message.content)}</Content>${msgId}</xml>`;
      case 'voice': return `<xml>${head}<MsgType>${cdata('voice')}</MsgType><MediaId>${cdata('media-1')}</MediaId><Format>${cdata('amr')}</Format>${message.recognition === undefined ? '' : `<Recognition>${cdata(message.recognition)}</Recognition>`}${msgId}</xml>`;
      case 'image': return `<xml>${head}<MsgType>${cdata('image')}</MsgType><PicUrl>${cdata('http://127.0.0.1/pic')}</PicUrl>${msgId}</xml>`;
      case 'event': return `<xml>${head}<MsgType>${cdata('event')}</MsgType><Event>${cdata(message.event)}</Event></xml>`;
    }
  }

  /** The query and body of one request for `xml`, signed (and sealed in safe mode) as WeChat does. */
  function signedRequest(xml: string): { query: Record<string, string>; body: string } {
    const timestamp = String(Math.floor(now() / 1000));
    const nonce = String(randomBytes(4).readUInt32BE());
    const query: Record<string, string> = { signature: sha1([options.token, timestamp, nonce]), timestamp, nonce, openid: 'o-user' };
    if (options.encodingAesKey === undefined) return { query, body: xml };
    const encrypt = wecomEncrypt(options.encodingAesKey, xml, options.appId);
    query['encrypt_type'] = 'aes';
    query['msg_signature'] = getSignature(options.token, timestamp, nonce, encrypt);
    return { query, body: `<xml><ToUserName>${cdata(options.account)}</ToUserName><Encrypt>${cdata(encrypt)}</Encrypt></xml>` };
  }

  /** One POST or GET; resolves 'dropped' when no answer came within `timeoutMs` (the connection is cut). */
  function post(query: Record<string, string>, body: string, method = 'POST'): Promise<{ status: number; body: string } | 'dropped'> {
    const target = new URL(options.url);
    for (const [name, value] of Object.entries(query)) target.searchParams.set(name, value);
    return new Promise((resolve, reject) => {
      const req = httpRequest(target, { method, headers: { 'content-type': 'text/xml' } }, async (res) => {
        resolve({ status: res.statusCode ?? 0, body: await readAll(res) });
      });
      const timer = setTimeout(() => { req.destroy(); resolve('dropped'); }, timeoutMs);
      req.on('close', () => clearTimeout(timer));
      req.on('error', (error) => { if (!req.destroyed || (error as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(error); });
      req.end(method === 'POST' ? body : undefined);
    });
  }

  /** What the user sees of one answered request, checking the reply as WeChat would. */
  function readReply(answer: { status: number; body: string }, user: string): Pick<Delivery, 'seen' | 'rejected'> {
    if (answer.status !== 200) return { seen: SERVICE_UNAVAILABLE, rejected: `HTTP ${answer.status}` };
    if (answer.body === '' || answer.body === 'success') return { seen: undefined };
    let xml = answer.body;
    if (options.encodingAesKey !== undefined) {
      const sealed = (xmlParser.parse(xml) as { xml?: Record<string, string> }).xml ?? {};
      const { Encrypt = '', MsgSignature = '', TimeStamp = '', Nonce = '' } = sealed;
      if (getSignature(options.token, TimeStamp, Nonce, Encrypt) !== MsgSignature) return { seen: SERVICE_UNAVAILABLE, rejected: 'bad MsgSignature' };
      try {
        const opened = wecomDecrypt(options.encodingAesKey, Encrypt);
        if (opened.id !== options.appId) return { seen: SERVICE_UNAVAILABLE, rejected: 'sealed for another AppID' };
        xml = opened.message;
      } catch {
        return { seen: SERVICE_UNAVAILABLE, rejected: 'not decryptable' };
      }
    }
    const reply = (xmlParser.parse(xml) as { xml?: Record<string, string> }).xml;
    if (reply?.['ToUserName'] !== user || reply['FromUserName'] !== options.account || reply['MsgType'] !== 'text') {
      return { seen: SERVICE_UNAVAILABLE, rejected: 'not a text reply to this user' };
    }
    return { seen: reply['Content'] };
  }

  return {
    messageXml,
    signedRequest,
    post,
    /** The server-URL check WeChat makes when the admin saves the configuration; resolves the body we answered. */
    async verifyUrl(echostr = `echo${randomBytes(6).toString('hex')}`): Promise<{ ok: boolean; echostr: string; answer: { status: number; body: string } | 'dropped' }> {
      const { query } = signedRequest('');
      const answer = await post({ signature: query['signature'] ?? '', timestamp: query['timestamp'] ?? '', nonce: query['nonce'] ?? '', echostr }, '', 'GET');
      return { ok: answer !== 'dropped' && answer.status === 200 && answer.body === echostr, echostr, answer };
    },
    /** A user sends `message`: WeChat's requests, retried with the same MsgId, and what the user ends up seeing. */
    async send(user: string, message: UserMessage): Promise<Delivery> {
      const xml = messageXml(user, message, Math.floor(now() / 1000));
      const attempts: Delivery['attempts'] = [];
      for (let request = 0; request < (options.requests ?? 3); request += 1) {
        const { query, body } = signedRequest(xml);
        const answer = await post(query, body);
        options.onAttempt?.(request + 1, answer === 'dropped' ? 'dropped' : answer.status);
        if (answer === 'dropped') { attempts.push('dropped'); continue; }
        attempts.push(answer.status);
        return { ...readReply(answer, user), attempts };
      }
      return { seen: SERVICE_UNAVAILABLE, attempts };
    },
  };
}

export type FakeWechatPlatform = ReturnType<typeof createFakeWechatPlatform>;

/**
 * The platform as the local tools speak to the local /wechat route (`npm run chat -- --wechat`, the playground):
 * the token, AppID and safe-mode key from the local environment, WeChat's wait from LOCAL_WECHAT_WAIT_MS.
 */
export function localWechatPlatform(env: Readonly<Record<string, string>>, url: string, account: string, onAttempt: NonNullable<PlatformOptions['onAttempt']>) {
  const encodingAesKey = env['WECHAT_ENCODING_AES_KEY'];
  return createFakeWechatPlatform({
    url,
    token: env['WECHAT_TOKEN'] ?? '',
    appId: env['WECHAT_APP_ID'] ?? '',
    account,
    ...(encodingAesKey ? { encodingAesKey } : {}),
    timeoutMs: Number(env['LOCAL_WECHAT_WAIT_MS'] ?? 5000),
    onAttempt,
  });
}

/** One of WeChat's requests as the user of a local tool reads it. */
export const attemptText = (request: number, outcome: number | 'dropped'): string =>
  outcome === 'dropped' ? `第 ${request} 次请求：微信等待超时，断开后重发 / request ${request}: no reply in time, WeChat asks again` : `第 ${request} 次请求：HTTP ${outcome}`;
