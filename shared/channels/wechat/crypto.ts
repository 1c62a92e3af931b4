import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { PayloadParseError, SignatureVerificationError } from '../../errors';

/**
 * WeChat's safe mode (docs/wechat.md §4): AES-256-CBC with key = Base64(EncodingAESKey + '='), IV = the key's first
 * 16 bytes, PKCS#7 padding to a multiple of 32 bytes (not AES's 16, so Node's own padding is off: with it half the
 * messages fail to decrypt), over random(16) + big-endian length(4) + XML + AppID.
 */
const BLOCK = 32;

export interface WechatCipher {
  /** The XML inside `Encrypt`; throws SignatureVerificationError when it was not sealed for our AppID. */
  decrypt(encrypt: string): string;
  encrypt(xml: string, random?: Buffer): string;
}

export function createWechatCipher(encodingAesKey: string, appId: string): WechatCipher {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (!/^[A-Za-z0-9]{43}$/.test(encodingAesKey) || key.length !== 32) throw new Error('EncodingAESKey must be 43 characters of [A-Za-z0-9]');
  const iv = key.subarray(0, 16);
  const ownAppId = Buffer.from(appId);

  return {
    decrypt(encrypt) {
      const sealed = Buffer.from(encrypt, 'base64');
      if (sealed.length === 0 || sealed.length % 16 !== 0) throw new PayloadParseError(['Encrypt: not AES ciphertext']);
      let plain: Buffer;
      try {
        const decipher = createDecipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
        plain = Buffer.concat([decipher.update(sealed), decipher.final()]);
      } catch (error) {
        throw new PayloadParseError(['Encrypt: cannot be decrypted'], { cause: error });
      }
      const pad = plain[plain.length - 1] ?? 0;
      if (pad < 1 || pad > BLOCK || pad > plain.length) throw new SignatureVerificationError('mismatch');
      const content = plain.subarray(0, plain.length - pad);
      if (content.length < 20) throw new SignatureVerificationError('mismatch');
      const length = content.readUInt32BE(16);
      if (20 + length > content.length) throw new SignatureVerificationError('mismatch');
      // A wrong key decrypts to noise; the AppID at the end is what proves the message was sealed for this account.
      if (!content.subarray(20 + length).equals(ownAppId)) throw new SignatureVerificationError('mismatch');
      return content.subarray(20, 20 + length).toString('utf8');
    },
    encrypt(xml, random = randomBytes(16)) {
      const body = Buffer.from(xml, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32BE(body.length);
      const content = Buffer.concat([random, length, body, ownAppId]);
      const pad = BLOCK - (content.length % BLOCK);
      const cipher = createCipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
      return Buffer.concat([cipher.update(Buffer.concat([content, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
    },
  };
}
