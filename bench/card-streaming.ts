import { FAKE_CARD_TEMPLATE_ID } from '../test/helpers/fake-dingtalk';
import { startE2eStack } from '../test/e2e/e2e-stack';

/**
 * Streaming figures on the local stack with the default throttle (1,000 ms, 50 characters): card updates per 1,000
 * characters of answer, and the delay from the model's first token to the first card update DingTalk accepted.
 * The model streams a 2,000-character answer at a slow and a fast rate. Figures come from the worker's own
 * `card answer` log line, so they are what production would log.
 */
export interface StreamingFigure {
  charsPerSecond: number;
  answerChars: number;
  updates: number;
  updatesPer1000Chars: number;
  firstTokenToCardMs: number;
}

export async function measureCardStreaming(rates: readonly number[] = [50, 200]): Promise<StreamingFigure[]> {
  const figures: StreamingFigure[] = [];
  const e2e = await startE2eStack({ env: { DINGTALK_CARD_TEMPLATE_ID: FAKE_CARD_TEMPLATE_ID, OPENAI_TIMEOUT_MS: '100000' }, workerTimeoutSeconds: 120 });
  try {
    for (const rate of rates) {
      const deltaChars = 10;
      const answer = Array.from({ length: 20 }, (_, n) => `第${n + 1}段：${'流式输出的内容'.repeat(13)}。`).join('\n\n').slice(0, 2000);
      const chunks = Math.ceil(answer.length / deltaChars);
      e2e.openai.enqueue({ text: answer, chunks, chunkDelayMs: Math.round((deltaChars / rate) * 1000) });
      const before = e2e.output.length;
      await e2e.send({ text: `测量 ${rate} 字/秒` });
      await e2e.drain();
      const line = e2e.output.slice(before).join('').split('\n').find((text) => text.includes('"message":"card answer"'));
      if (!line) throw new Error(`the worker logged no card answer:\n${e2e.output.slice(before).join("")}`);
      const logged = JSON.parse(line) as { updates: number; answer_chars: number; first_token_to_card_ms: number };
      figures.push({
        charsPerSecond: rate,
        answerChars: logged.answer_chars,
        updates: logged.updates,
        updatesPer1000Chars: Math.round((logged.updates / logged.answer_chars) * 1000 * 10) / 10,
        firstTokenToCardMs: logged.first_token_to_card_ms,
      });
    }
  } finally {
    await e2e.close();
  }
  return figures;
}

if (require.main === module) {
  measureCardStreaming().then(
    (figures) => console.table(figures),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
