import { randomBytes } from 'node:crypto';
import { MethodNotAllowedError, PayloadParseError, PayloadTooLargeError, SignatureVerificationError } from '../../errors';
import type { HttpRequest } from '../../fc/http-event';
import { parseWith } from '../../validation/parse';
import type { WechatCipher } from './crypto';
import { EncryptedEnvelopeSchema, readWechatMessage, type WechatMessage } from './schema';
import { verifyWechatSignature, wechatSignature } from './signature';
import { buildXml, parseWechatXml } from './xml';

/**
 * The checks every request to /wechat passes before anything is read from or written to storage (docs/wechat.md
 * §2, §3, §4): size, method, the query signature, in safe mode msg_signature and the AppID sealed inside, XML, schema.
 * Each failure throws the typed error that becomes its 4xx.
 */
export interface WechatRequestSettings {
  token: string;
  appId: string;
  /** Set for safe mode: requests must then carry `encrypt_type=aes`, and replies are encrypted. */
  cipher: WechatCipher | undefined;
  maxBodyBytes: number;
}

export type ReadRequest =
  | { kind: 'verification'; echostr: string }
  | {
    kind: 'message';
    message: WechatMessage;
    encodeReply: (content: string, nowMs: number) => string;
    /**
     * Plaintext mode only: the signed values (timestamp, nonce, signature in lower case, as it is compared), which do
     * not cover the body, so the route lets them carry only this message (shared/callback/signature-pairs.ts).
     * Undefined in safe mode, where msg_signature covers the Encrypt text and so the message.
     */
    unboundSignature: readonly [string, string, string] | undefined;
  };

export function readWechatRequest(request: HttpRequest, settings: WechatRequestSettings, nowMs: number): ReadRequest {
  if (request.body.length > settings.maxBodyBytes) throw new PayloadTooLargeError(settings.maxBodyBytes);
  const { timestamp, nonce, signature, echostr } = request.query;
  if (request.method === 'GET') {
    verifyWechatSignature({ token: settings.token, timestamp, nonce, signature, nowMs });
    if (!echostr || echostr.length > 128) throw new SignatureVerificationError('missing');
    return { kind: 'verification', echostr };
  }
  if (request.method !== 'POST') throw new MethodNotAllowedError(request.method);
  // The plain signature is on every POST in every mode; safe mode adds msg_signature over the ciphertext.
  verifyWechatSignature({ token: settings.token, timestamp, nonce, signature, nowMs });
  const fields = parseWechatXml(request.body);
  const { cipher } = settings;
  if (cipher === undefined) {
    const message = readWechatMessage(fields);
    return {
      kind: 'message',
      message,
      encodeReply: (content, at) => buildXml(textReply(message, content, at)),
      // verifyWechatSignature threw unless all three are set.
      unboundSignature: [timestamp ?? '', nonce ?? '', (signature ?? '').toLowerCase()],
    };
  }
  if (request.query['encrypt_type'] !== 'aes') throw new SignatureVerificationError('missing');
  const { Encrypt: encrypt, ToUserName: envelopeAccount } = parseWith(EncryptedEnvelopeSchema, fields);
  verifyWechatSignature({ token: settings.token, timestamp, nonce, signature: request.query['msg_signature'], encrypt, nowMs });
  const message = readWechatMessage(parseWechatXml(Buffer.from(cipher.decrypt(encrypt), 'utf8')));
  if (envelopeAccount !== undefined && envelopeAccount !== message.account) throw new PayloadParseError(['ToUserName: differs inside and outside Encrypt']);
  return {
    kind: 'message',
    message,
    encodeReply: (content, at) => sealedReply(settings.token, cipher, buildXml(textReply(message, content, at)), at),
    unboundSignature: undefined,
  };
}

const textReply = (message: WechatMessage, content: string, nowMs: number) => ({
  ToUserName: message.user,
  FromUserName: message.account,
  CreateTime: Math.floor(nowMs / 1000),
  MsgType: 'text',
  Content: content,
});

function sealedReply(token: string, cipher: WechatCipher, xml: string, nowMs: number): string {
  const encrypt = cipher.encrypt(xml);
  const timeStamp = String(Math.floor(nowMs / 1000));
  const nonce = String(randomBytes(4).readUInt32BE());
  return buildXml({ Encrypt: encrypt, MsgSignature: wechatSignature([token, timeStamp, nonce, encrypt]), TimeStamp: timeStamp, Nonce: nonce });
}
