import { PASSIVE_TIMING, type PassiveTiming } from '../shared/channels/wechat/passive-timing';
import { STILL_GENERATING } from '../shared/channels/wechat/user-texts';
import { startWechatRig } from '../test/helpers/wechat-rig';

/**
 * How many answers an unverified account (passive replies) delivers within WeChat's three requests, by model speed.
 * Drives the real /wechat route and the real worker half over HTTP with the fake WeChat platform, with all times
 * scaled down by SCALE (WeChat's 5 s becomes 0.5 s) so a run takes seconds. The fake worker writes the answer
 * OVERHEAD_S + length / speed after the hand-over (async invoke, worker start, history read and time to first token
 * lumped together: 1 s warm, 3 s with a cold worker and a slow first token).
 *
 * Answer lengths: no measured distribution of this bot's answers exists, so this assumes a log-normal spread with a
 * median of 300 Chinese characters and a 10th–90th percentile range of ~85–1050 — short factual replies, typical
 * explanations, and a tail of long-form answers (lists, code, essays) that a chat model writes when asked. Change
 * MEDIAN_CHARS and SIGMA to test another spread. Run: `npm run build && node dist/bench/wechat-window.js`.
 */
const SCALE = 10;
const SPEEDS = [20, 50, 200];
const OVERHEADS_S = [1, 3];
const SAMPLES = 40;
const MEDIAN_CHARS = 300;
const SIGMA = 1.0;

/** The i-th of n evenly spaced quantiles of the log-normal (Acklam-free: a bisection on the normal CDF is enough). */
function lengthAt(index: number): number {
  const p = (index + 0.5) / SAMPLES;
  let low = -8;
  let high = 8;
  for (let step = 0; step < 60; step += 1) {
    const mid = (low + high) / 2;
    if (normalCdf(mid) < p) low = mid;
    else high = mid;
  }
  return Math.max(10, Math.round(MEDIAN_CHARS * Math.exp(SIGMA * low)));
}

function normalCdf(x: number): number {
  // Abramowitz–Stegun 7.1.26 through erf.
  const t = 1 / (1 + 0.3275911 * Math.abs(x / Math.SQRT2));
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-((x / Math.SQRT2) ** 2));
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

const scaled: PassiveTiming = {
  windowMs: PASSIVE_TIMING.windowMs / SCALE,
  holdMs: PASSIVE_TIMING.holdMs / SCALE,
  lastAttemptAfterMs: PASSIVE_TIMING.lastAttemptAfterMs / SCALE,
  pollMs: PASSIVE_TIMING.pollMs / SCALE,
  pendingForMs: PASSIVE_TIMING.pendingForMs,
};

async function run(speed: number, overheadS: number): Promise<{ first: number; later: number; missed: number; multipart: number }> {
  const lengths = Array.from({ length: SAMPLES }, (_, index) => lengthAt(index));
  const byUser = new Map(lengths.map((length, index) => [`oUser-${index}`, length]));
  const rig = await startWechatRig({
    timing: scaled,
    answer: (message) => {
      const length = byUser.get(String(message['user'])) ?? 0;
      return { text: '答'.repeat(length), afterMs: ((overheadS + length / speed) * 1000) / SCALE };
    },
  });
  try {
    const platform = rig.platform({ timeoutMs: 5000 / SCALE });
    const outcomes = await Promise.all([...byUser.keys()].map((user) => platform.send(user, { type: 'text', content: '问题' })));
    const tally = { first: 0, later: 0, missed: 0, multipart: 0 };
    for (const outcome of outcomes) {
      if (outcome.seen === STILL_GENERATING) tally.missed += 1;
      else if (outcome.seen?.startsWith('答') && outcome.attempts.length === 1) tally.first += 1;
      else if (outcome.seen?.startsWith('答')) tally.later += 1;
      else throw new Error(`unexpected outcome ${JSON.stringify(outcome)}`);
      if (outcome.seen?.includes('继续')) tally.multipart += outcome.seen === STILL_GENERATING ? 0 : 1;
    }
    return tally;
  } finally {
    await rig.close();
  }
}

async function main(): Promise<void> {
  const lengths = Array.from({ length: SAMPLES }, (_, index) => lengthAt(index));
  console.log(`answer lengths (chars): min ${lengths[0]}, median ${lengths[SAMPLES / 2]}, max ${lengths.at(-1)}; times scaled 1/${SCALE}`);
  console.log('overhead | speed (chars/s) | 1st request | a retry | 继续 needed | answer in several parts (of delivered)');
  for (const overheadS of OVERHEADS_S) {
    for (const speed of SPEEDS) {
      const tally = await run(speed, overheadS);
      const share = (count: number) => `${Math.round((count / SAMPLES) * 100)}%`;
      console.log(`${overheadS} s | ${speed} | ${share(tally.first)} | ${share(tally.later)} | ${share(tally.missed)} | ${tally.multipart}/${tally.first + tally.later}`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
