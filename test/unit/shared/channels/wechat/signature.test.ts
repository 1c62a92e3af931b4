import { createHash } from 'node:crypto';
import { verifyWechatSignature, wechatSignature } from '../../../../../shared/channels/wechat/signature';
import { SignatureVerificationError } from '../../../../../shared/errors';

describe('WeChat request signature', () => {
  const nowMs = 1_700_000_000_000;
  const timestamp = String(nowMs / 1000);
  const nonce = '123456';
  const signature = createHash('sha1').update(['tok123', timestamp, nonce].sort().join('')).digest('hex');

  it('is the SHA-1 of the sorted parts', () => {
    // Assess
    expect(wechatSignature(['tok123', timestamp, nonce])).toBe(signature);
  });

  it('accepts our token’s signature, upper-case hex too', () => {
    // Act / Assess
    expect(() => verifyWechatSignature({ token: 'tok123', timestamp, nonce, signature, nowMs })).not.toThrow();
    expect(() => verifyWechatSignature({ token: 'tok123', timestamp, nonce, signature: signature.toUpperCase(), nowMs })).not.toThrow();
  });

  it.each([
    ['another token', { token: 'other1' }, 'mismatch'],
    ['a missing nonce', { nonce: undefined }, 'missing'],
    ['a timestamp an hour old', { nowMs: nowMs + 3600_000 }, 'stale'],
    ['a timestamp that is not a number', { timestamp: '1e9' }, 'mismatch'],
    ['a short signature', { signature: signature.slice(1) }, 'mismatch'],
    ['the signature of a body it does not cover', { encrypt: 'Zm9v' }, 'mismatch'],
  ])('refuses %s', (_name, change, reason) => {
    // Act / Assess
    expect(() => verifyWechatSignature({ token: 'tok123', timestamp, nonce, signature, nowMs, ...change })).toThrow(
      new SignatureVerificationError(reason as 'missing'),
    );
  });
});
