import { signDingTalkTimestamp, verifyDingTalkSignature } from '../../../../../shared/channels/dingtalk/verify-signature';

const secret = 'app-secret';
const now = 1_700_000_000_000;

describe('verifyDingTalkSignature', () => {
  it('accepts DingTalk\'s documented signature: base64 HMAC-SHA256 of "timestamp\\nsecret" keyed by the secret', () => {
    // Prepare: the value computed independently with `printf '%s\n%s' ts secret | openssl dgst -sha256 -hmac secret -binary | base64`
    const timestamp = String(now);
    // Act / Assess
    expect(signDingTalkTimestamp(secret, timestamp)).toBe('3hTZZL5er1Eydgv4cteNysuUXo7Ufcx1jK7Fxfmeq5k=');
    expect(() => verifyDingTalkSignature({ appSecret: secret, timestamp, sign: signDingTalkTimestamp(secret, timestamp), nowMs: now })).not.toThrow();
  });

  it.each([
    ['missing sign', { timestamp: String(now), sign: undefined }, 'signature missing'],
    ['missing timestamp', { timestamp: undefined, sign: 'x' }, 'signature missing'],
    ['non-numeric timestamp', { timestamp: 'yesterday', sign: 'x' }, 'signature stale'],
    ['timestamp 61 minutes old', { timestamp: String(now - 61 * 60_000), sign: signDingTalkTimestamp(secret, String(now - 61 * 60_000)) }, 'signature stale'],
    ['sign of another length', { timestamp: String(now), sign: 'short' }, 'signature mismatch'],
    ['sign made with another secret', { timestamp: String(now), sign: signDingTalkTimestamp('other', String(now)) }, 'signature mismatch'],
  ])('refuses a %s', (_name, input, message) => {
    // Act / Assess
    expect(() => verifyDingTalkSignature({ appSecret: secret, nowMs: now, ...input })).toThrow(message);
  });
});
