import { Agent, get } from 'node:http';
import { STAND_IN_CARD_TEMPLATE_ID } from '../local/dingtalk/dingtalk-stand-in';
import { startE2eStack } from '../test/e2e/e2e-stack';
import { againstFloor, elapsedMs, median, round, type Figure } from './figures';

/**
 * Streaming figures on the local stack with the default throttle (1,000 ms, 50 characters): card updates per 1,000
 * characters of answer, and the delay from the model's first token to the first card update DingTalk accepted.
 * The model streams a 1,000-character answer at a slow and a fast rate (about 25 s in all). Figures come from the
 * worker's own `card answer` log line, so they are what production would log.
 * Floors: for updates, the throttle's own schedule (one update per interval or per 50 characters, whichever is
 * later); for the delay, one keep-alive HTTP round trip to the same fake DingTalk (median of 20).
 */
const INTERVAL_MS = 1000;
const MIN_CHARS = 50;

function roundTripMs(url: string, agent: Agent): Promise<number> {
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    get(`${url}/bench-ping`, { agent }, (res) => res.resume().on('end', () => resolve(elapsedMs(start)))).on('error', reject);
  });
}

export async function measureCardStreaming(rates: readonly number[] = [50, 200], answerChars = 1000): Promise<Figure[]> {
  const figures: Figure[] = [];
  const e2e = await startE2eStack({ env: { DINGTALK_CARD_TEMPLATE_ID: STAND_IN_CARD_TEMPLATE_ID, OPENAI_TIMEOUT_MS: '100000' }, workerTimeoutSeconds: 120 });
  try {
    const agent = new Agent({ keepAlive: true });
    const trips: number[] = [];
    for (let trip = 0; trip < 21; trip += 1) trips.push(await roundTripMs(e2e.dingtalk.url, agent));
    agent.destroy();
    const roundTrip = median(trips.slice(1));
    for (const rate of rates) {
      const deltaChars = 10;
      const answer = Array.from({ length: 20 }, (_, n) => `第${n + 1}段：${'流式输出的内容'.repeat(13)}。`).join('\n\n').slice(0, answerChars);
      const chunks = Math.ceil(answer.length / deltaChars);
      e2e.openai.enqueue({ text: answer, chunks, chunkDelayMs: Math.round((deltaChars / rate) * 1000) });
      const before = e2e.output.length;
      await e2e.send({ text: `测量 ${rate} 字/秒` });
      await e2e.drain();
      const line = e2e.output.slice(before).join('').split('\n').find((text) => text.includes('"message":"card answer"'));
      if (!line) throw new Error(`the worker logged no card answer:\n${e2e.output.slice(before).join('')}`);
      const logged = JSON.parse(line) as { updates: number; answer_chars: number; first_token_to_card_ms: number };
      const note = `${logged.answer_chars}-character answer at ${rate} chars/s in ${chunks} deltas; ${logged.updates} updates`;
      const perThousand = (logged.updates / logged.answer_chars) * 1000;
      const scheduled = 1000 / Math.max((rate * INTERVAL_MS) / 1000, MIN_CHARS);
      figures.push(
        againstFloor(
          { group: 'streaming', name: `card updates per 1,000 chars @ ${rate} chars/s`, value: round(perThousand, 1), unit: 'updates', note },
          { value: round(scheduled, 1), what: `the throttle's schedule: one update per max(${INTERVAL_MS} ms, ${MIN_CHARS} chars)` },
        ),
        againstFloor(
          { group: 'streaming', name: `first token to first card update @ ${rate} chars/s`, value: logged.first_token_to_card_ms, unit: 'ms', note: `${note}; the worker logs whole milliseconds` },
          { value: roundTrip, what: 'one keep-alive HTTP round trip to the fake DingTalk, median of 20' },
        ),
      );
    }
  } finally {
    await e2e.close();
  }
  return figures;
}
