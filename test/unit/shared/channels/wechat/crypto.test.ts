import { decrypt as wecomDecrypt, encrypt as wecomEncrypt } from '@wecom/crypto';
import { createWechatCipher } from '../../../../../shared/channels/wechat/crypto';
import { PayloadParseError, SignatureVerificationError } from '../../../../../shared/errors';
import { WECHAT } from '../../../../helpers/wechat-rig';

describe('WeChat safe-mode cipher', () => {
  const cipher = createWechatCipher(WECHAT.encodingAesKey, WECHAT.appId);
  // Every length modulo 32 at least once: with AES's own 16-byte padding half of these would not decrypt.
  const lengths = Array.from({ length: 70 }, (_, index) => index);

  it.each(lengths)('agrees with @wecom/crypto both ways for a %i-byte message', (length) => {
    // Prepare
    const xml = `<xml>${'的x'.repeat(length).slice(0, length)}</xml>`;
    // Act
    const ours = cipher.encrypt(xml);
    const theirs = wecomEncrypt(WECHAT.encodingAesKey, xml, WECHAT.appId);
    // Assess
    expect(wecomDecrypt(WECHAT.encodingAesKey, ours)).toMatchObject({ message: xml, id: WECHAT.appId });
    expect(cipher.decrypt(theirs)).toBe(xml);
  });

  it('refuses a message sealed for another AppID', () => {
    // Prepare
    const sealed = wecomEncrypt(WECHAT.encodingAesKey, '<xml/>', 'wxffffffffffffffff');
    // Act / Assess
    expect(() => cipher.decrypt(sealed)).toThrow(SignatureVerificationError);
  });

  it('refuses text sealed with another key, and text that is not ciphertext', () => {
    // Prepare
    const otherKey = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210abcdefg';
    const sealed = wecomEncrypt(otherKey, '<xml/>', WECHAT.appId);
    // Act / Assess
    expect(() => cipher.decrypt(sealed)).toThrow(SignatureVerificationError);
    expect(() => cipher.decrypt('bm90IGFlcw==')).toThrow(PayloadParseError);
    expect(() => cipher.decrypt('')).toThrow(PayloadParseError);
  });

  it('will not start with a malformed EncodingAESKey', () => {
    // Act / Assess
    expect(() => createWechatCipher('short', WECHAT.appId)).toThrow(/43 characters/);
  });
});
