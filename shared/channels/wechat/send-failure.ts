import { WechatApiError } from '../../errors';

/**
 * What a failed customer-service send means (docs/wechat.md §8): whether the text may have reached the user (no
 * answer after the request was written), whether a later attempt could succeed, and what an admin must do.
 */
export interface SendFailure {
  mayHaveArrived: boolean;
  retryable: boolean;
  advice?: string;
}

const ADVICE: Readonly<Record<number, { retryable: boolean; advice: string }>> = {
  45015: { retryable: false, advice: 'the user last wrote more than 48 hours ago or has unfollowed: WeChat allows no more messages to them' },
  45047: { retryable: false, advice: 'WeChat allows 5 customer-service messages per user message; the rest of the answer is not sent' },
  48001: {
    retryable: false,
    advice: 'the account may not use the customer-service API (unverified accounts cannot): set WECHAT_CUSTOMER_SERVICE=false for passive replies',
  },
  40164: {
    retryable: false,
    advice: 'this function\'s egress IP is not on the account\'s IP allow-list: add it, give the function a fixed egress IP (VPC + NAT gateway + EIP), or set WECHAT_CUSTOMER_SERVICE=false (passive replies need no token)',
  },
  45002: { retryable: false, advice: 'the text was longer than WeChat accepts' },
  45009: { retryable: false, advice: 'the account\'s daily API quota is used up' },
  40013: { retryable: false, advice: 'WECHAT_APP_ID is not a valid AppID' },
  40125: { retryable: false, advice: 'WECHAT_APP_SECRET is wrong' },
};

/** -1 system busy, 45011 API frequency limit, and stale tokens (already fetched again once). */
const RETRYABLE = new Set([-1, 45011, 40001, 42001, 40014]);

export function classifySendFailure(error: unknown): SendFailure {
  if (!(error instanceof WechatApiError)) return { mayHaveArrived: false, retryable: true };
  if (error.connection !== undefined) return { mayHaveArrived: error.connection === 'lost-after-sending', retryable: true };
  if (error.errcode === undefined) return { mayHaveArrived: false, retryable: true };
  const known = ADVICE[error.errcode];
  if (known) return { mayHaveArrived: false, ...known };
  return { mayHaveArrived: false, retryable: RETRYABLE.has(error.errcode) };
}
