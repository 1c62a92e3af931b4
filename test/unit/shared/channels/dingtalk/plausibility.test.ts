import { checkPlausible } from '../../../../../shared/channels/dingtalk/plausibility';
import { createDingTalkMessage } from '../../../../helpers/builders';

const SIGNED = 1_700_000_000_000;
const MINUTE = 60_000;

describe('checkPlausible', () => {
  it.each([
    ['a DingTalk-shaped message (created at signing, webhook for 90 min)', {}],
    ['a message created a little before its signature', { createAt: SIGNED - 59 * MINUTE, sessionWebhookExpiredTime: SIGNED + 31 * MINUTE }],
    ['a message created slightly after (clock skew)', { createAt: SIGNED + 4 * MINUTE, sessionWebhookExpiredTime: SIGNED + 94 * MINUTE }],
    ['a webhook about to expire', { sessionWebhookExpiredTime: SIGNED + 1000 }],
    ['no times and no robotCode', { createAt: undefined, sessionWebhookExpiredTime: undefined, robotCode: undefined }],
  ])('accepts %s', (_label, overrides) => {
    // Act / Assess
    expect(() => checkPlausible(createDingTalkMessage(overrides), SIGNED, 'dingrobot')).not.toThrow();
  });

  it.each([
    ['createAt over an hour before the signature', { createAt: SIGNED - 61 * MINUTE }, /^createAt/],
    ['createAt over 5 minutes after the signature', { createAt: SIGNED + 6 * MINUTE }, /^createAt/],
    ['an expiry at the signature', { sessionWebhookExpiredTime: SIGNED }, /^sessionWebhookExpiredTime/],
    ['an expiry over 3 hours after creation', { sessionWebhookExpiredTime: SIGNED + 181 * MINUTE }, /^sessionWebhookExpiredTime/],
    ['an expiry over 3 hours after the signature when createAt is absent', { createAt: undefined, sessionWebhookExpiredTime: SIGNED + 181 * MINUTE }, /^sessionWebhookExpiredTime/],
    ['another robot\'s code', { robotCode: 'dingother' }, /^robotCode/],
    ['an empty robot code', { robotCode: '' }, /^robotCode/],
  ])('refuses %s', (_label, overrides, message) => {
    // Act / Assess
    expect(() => checkPlausible(createDingTalkMessage(overrides), SIGNED, 'dingrobot')).toThrow(
      expect.objectContaining({ code: 'CALLBACK_IMPLAUSIBLE', message: expect.stringMatching(message) }),
    );
  });
});
