import { createCardGate } from '../../../../../shared/cards/card-gate';
import type { SensitiveAction } from '../../../../../shared/controls/robot-controls';
import { createSensitiveMatcher } from '../../../../../shared/controls/sensitive/sensitive-matcher';
import { ModelError } from '../../../../../shared/errors';
import type { ChatModel, ChatRequest, StreamProgress } from '../../../../../shared/model/chat-model';
import { chatTurn } from '../../../../../shared/turn/chat-turn';
import { CARD_PLACEHOLDER, errorText, SENSITIVE_OUTPUT_REFUSED } from '../../../../../shared/turn/user-messages';
import { createWorkerEvent } from '../../../../helpers/builders';
import { type CardClientCall, createFakeCardClient } from '../../../../helpers/fake-card-client';
import { createFakeChatModel } from '../../../../helpers/fake-chat-model';
import { createTurnDependencies, TEST_NOW, viewOf } from '../../../../helpers/turn-dependencies';
import { createWorkerSettings } from '../../../../helpers/worker-settings';

const progressOf = (...answers: string[]): StreamProgress[] => answers.map((answer) => ({ answer, reasoning: '' }));

/** A streaming model that stops when its call is aborted, as the OpenAI adapter does (MODEL_TIMEOUT). */
function abortableModel(progress: readonly StreamProgress[], text: string) {
  const seen = { progress: 0, aborted: false, requests: [] as ChatRequest[] };
  const model: ChatModel = {
    async complete(request) {
      seen.requests.push(request);
      for (const step of progress) {
        if (request.signal?.aborted) {
          seen.aborted = true;
          throw new ModelError('MODEL_TIMEOUT', 'model call was aborted by the caller');
        }
        seen.progress += 1;
        request.onProgress?.(step);
        await new Promise((resolve) => setImmediate(resolve));
      }
      return { text, model: request.model ?? 'fake-model' };
    },
  };
  return { model, seen };
}

function setup(output: SensitiveAction, model: ChatModel) {
  const cards = createFakeCardClient();
  const deps = createTurnDependencies({
    settings: createWorkerSettings({ card: { minIntervalMs: 0, minGrowthChars: 1, maxChars: 3000 } }),
    model,
    cards: { client: cards.client, gate: createCardGate({ now: () => TEST_NOW, cooldownMs: 1 }) },
    sensitive: { matcher: createSensitiveMatcher(['机密', 'top secret']), input: 'refuse', output },
  });
  const answer = () => chatTurn({ text: '说说', images: [] }, viewOf(), deps.open(createWorkerEvent({ msgId: 'm1' })), false, deps);
  return { answer, calls: cards.calls, finished: cards.finished };
}

const summary = (calls: readonly CardClientCall[]) => calls.map((call) => `${call.method}${call.finalize ? '(final)' : ''}: ${call.content}`);

describe('sensitive words in a streamed card answer', () => {
  it('stops the card at the first hit, ends it with the refusal, and stops the model', async () => {
    // Prepare: the word completes in the third chunk; the model would go on for two more
    const progress = progressOf('你好，', '你好，这是机', '你好，这是机密', '你好，这是机密的内容', '你好，这是机密的内容。');
    const { model, seen } = abortableModel(progress, '你好，这是机密的内容。');
    const { answer, calls, finished } = setup('refuse', model);
    // Act
    const result = await answer();
    // Assess: the half word was held back, nothing was sent after the hit but the refusal
    expect(summary(calls)).toEqual([
      `create: ${CARD_PLACEHOLDER}`,
      'stream: 你好，',
      'stream: 你好，这是',
      `stream(final): ${SENSITIVE_OUTPUT_REFUSED}`,
      `finish: ${SENSITIVE_OUTPUT_REFUSED}`,
    ]);
    expect(finished()).toEqual([{ content: SENSITIVE_OUTPUT_REFUSED, failed: false }]);
    expect(seen).toMatchObject({ progress: 3, aborted: true });
    expect(result).toMatchObject({ text: '', delivered: true });
    expect(result.build(viewOf())[0]).toMatchObject({ t: 'turn', user: '说说', assistant: SENSITIVE_OUTPUT_REFUSED });
  });

  it('ignores the rest of the stream from a model that does not stop when aborted', async () => {
    // Prepare
    const progress = progressOf('机', '机密', '机密，还有更多', '机密，还有更多内容');
    const fake = createFakeChatModel({ text: '机密，还有更多内容', progress });
    const { answer, calls, finished } = setup('refuse', fake.model);
    // Act
    const result = await answer();
    // Assess
    expect(calls.some((call) => call.content.includes('机') || call.content.includes('更多'))).toBe(false);
    expect(finished()).toEqual([{ content: SENSITIVE_OUTPUT_REFUSED, failed: false }]);
    expect(result.build(viewOf())[0]).toMatchObject({ assistant: SENSITIVE_OUTPUT_REFUSED });
  });

  it('ends with the refusal when the word is only in the finished answer', async () => {
    // Prepare: the stream stops at the start of the word, which only the final text completes
    const fake = createFakeChatModel({ text: '这是 top secret', progress: progressOf('这是', '这是 top sec') });
    const { answer, calls, finished } = setup('refuse', fake.model);
    // Act
    await answer();
    // Assess
    expect(calls.some((call) => call.content.includes('top'))).toBe(false);
    expect(finished()).toEqual([{ content: SENSITIVE_OUTPUT_REFUSED, failed: false }]);
  });

  it('masks the word in every update, even when it is split across chunks, and in the final card', async () => {
    // Prepare: the word arrives a character at a time, spaced out, in full-width letters at the end
    const progress = progressOf('这是机', '这是机 *', '这是机 *密', '这是机 *密，还有 ＴＯＰ ', '这是机 *密，还有 ＴＯＰ ＳＥＣ');
    const fake = createFakeChatModel({ text: '这是机 *密，还有 ＴＯＰ ＳＥＣＲＥＴ。', progress });
    const { answer, calls, finished } = setup('mask', fake.model);
    // Act
    const result = await answer();
    // Assess
    expect(calls.some((call) => /[机密]|ＴＯＰ/.test(call.content))).toBe(false);
    expect(summary(calls).filter((line) => line.startsWith('stream:'))).toEqual(['stream: 这是', 'stream: 这是****', 'stream: 这是****，还有 ']);
    expect(finished()).toEqual([{ content: '这是****，还有 **********。', failed: false }]);
    expect(result.build(viewOf())[0]).toMatchObject({ assistant: '这是****，还有 **********。' });
  });

  it('streams an answer without sensitive words as usual', async () => {
    // Prepare
    const fake = createFakeChatModel({ text: '今天晴，适合出门。', progress: progressOf('今天晴，', '今天晴，适合') });
    const { answer, calls } = setup('refuse', fake.model);
    // Act
    await answer();
    // Assess
    expect(summary(calls)).toEqual([
      `create: ${CARD_PLACEHOLDER}`,
      'stream: 今天晴，',
      'stream: 今天晴，适合',
      'stream(final): 今天晴，适合出门。',
      'finish: 今天晴，适合出门。',
    ]);
  });

  it('still puts a model failure into the card as a failure when nothing was refused', async () => {
    // Prepare
    const error = new ModelError('MODEL_SERVER', 'upstream 500');
    const fake = createFakeChatModel({ progress: progressOf('今天'), error });
    const { answer, finished } = setup('refuse', fake.model);
    // Act
    const result = await answer();
    // Assess
    expect(finished()).toEqual([{ content: `今天\n\n${errorText(error)}`, failed: true }]);
    expect(result.build(viewOf())[0]).toMatchObject({ t: 'done', kind: 'MODEL_SERVER' });
  });
});
