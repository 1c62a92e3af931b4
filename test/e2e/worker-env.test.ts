import { STAND_IN_CARD_CONTENT_KEY, STAND_IN_CARD_TEMPLATE_ID } from '../../local/dingtalk/dingtalk-stand-in';
import { startE2eStack, type E2eStack } from './e2e-stack';

const ok = (response: Response): void => expect(response.status).toBe(200);

/**
 * The local playground's switches (demo model, AI cards) change the worker's environment while the stack runs
 * (stack.setWorkerEnv): the next message must be answered under the new settings, without a restart.
 */
describe('end to end: the worker environment changed at run time', () => {
  let e2e: E2eStack;
  beforeEach(async () => {
    e2e = await startE2eStack({ env: { DINGTALK_CARD_TEMPLATE_ID: STAND_IN_CARD_TEMPLATE_ID, DINGTALK_CARD_CONTENT_KEY: STAND_IN_CARD_CONTENT_KEY } });
  });
  afterEach(async () => e2e.close());

  it('answers in a markdown message once cards are switched off, and in a card again once the base settings are back', async () => {
    ok(await e2e.send({ text: '第一问' }));
    await e2e.drain();

    e2e.stack.setWorkerEnv({ DINGTALK_CARD_TEMPLATE_ID: undefined });
    ok(await e2e.send({ text: '第二问' }));
    await e2e.drain();

    e2e.stack.setWorkerEnv({});
    ok(await e2e.send({ text: '第三问' }));
    await e2e.drain();

    expect(e2e.dingtalk.cards.map((card) => card.content)).toEqual([
      '回答：第一问（共 2 条消息）',
      '回答：第三问（共 6 条消息）',
    ]);
    expect(e2e.dingtalk.messages.map((message) => message.text)).toEqual(['回答：第二问（共 4 条消息）']);
    expect(e2e.stack.workerEnv()['DINGTALK_CARD_TEMPLATE_ID']).toBe(STAND_IN_CARD_TEMPLATE_ID);
  });

  it('asks the model set by the override on the next message', async () => {
    ok(await e2e.send({ text: '你好' }));
    await e2e.drain();

    e2e.stack.setWorkerEnv({ OPENAI_MODEL: 'another-model' });
    ok(await e2e.send({ text: '再问' }));
    await e2e.drain();

    expect(e2e.openai.requests.map((request) => request.body.model)).toEqual(['fake-model', 'another-model']);
  });
});
