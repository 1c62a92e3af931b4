import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, SCREENSHOT_DIR } from '../../helpers/browser';
import { LOCAL_DEFAULTS } from '../../../local/local-env';
import { startLocalServer, type LocalServer } from '../../../local/local-server';
import { historyKeyOf } from '../../../local/playground/history-view';
import { dingTalkChatOf } from '../../../local/playground/playground-fixture';

/**
 * The playground page in headless Chromium against the whole local stack (the built bundles, the DingTalk stand-in,
 * the demo model), as a newcomer uses it after `npm start`: docs/playground.md.
 */
const root = join(__dirname, '..', '..', '..');
let server: LocalServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startLocalServer({
    root,
    env: { ...LOCAL_DEFAULTS, LOCAL_DEMO_MODEL: 'true', LOG_LEVEL: 'info' },
    defaulted: Object.keys(LOCAL_DEFAULTS),
    host: '127.0.0.1',
    port: 0,
    logFormat: 'json',
    write: () => undefined,
    webhookHosts: [],
    // Slow enough that the card is seen streaming before it is finalized.
    demoModel: { chunkDelayMs: 60, chunkChars: 4 },
  });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(server.playgroundUrl);
  await page.getByTestId('composer-input').waitFor();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const robotTurns = (): ReturnType<Page['getByTestId']> => page.locator('[data-testid="message"][data-role="robot"]');

async function send(text: string): Promise<void> {
  await page.getByTestId('composer-input').fill(text);
  await page.getByTestId('send-button').click();
}

test('a 1:1 turn streams into a card that grows and is then finalized, with its figures', async () => {
  await page.getByTestId('conversation-dm-zhangsan').click();
  await send('你好，介绍一下你自己');
  const card = page.getByTestId('card').last();
  await card.and(page.locator('[data-state="streaming"]')).waitFor({ timeout: 15_000 });
  const early = (await card.innerText()).length;
  await card.and(page.locator('[data-state="finalized"]')).waitFor({ timeout: 30_000 });
  expect((await card.innerText()).length).toBeGreaterThan(early);
  expect(await card.innerText()).toContain('你好，介绍一下你自己');
  await page.locator('[data-testid="figures-panel"][data-done="true"]').waitFor({ timeout: 15_000 });
  expect(await page.getByTestId('figure-ackMs').innerText()).toMatch(/\d/);
  expect(await page.getByTestId('figure-firstCardUpdateMs').innerText()).toMatch(/\d/);
  await page.screenshot({ path: join(SCREENSHOT_DIR, '1-single-card.png') });
}, 60_000);

test('the history panel shows the records stored in OSS for that chat', async () => {
  await page.getByTestId('tab-history').click();
  const key = historyKeyOf({ prefix: 'dingtalk-llm/history/', groupShared: false }, dingTalkChatOf('dm-zhangsan', 'zhangsan')!, 'zhangsan');
  await page.getByTestId('history-key').filter({ hasText: key }).waitFor({ timeout: 10_000 });
  const stored = (await readStored(key)).filter((record) => record['t'] !== undefined);
  await until(async () => (await page.getByTestId('history-record').count()) === stored.length, 10_000);
  expect(await page.getByTestId('history-record').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-type')))).toEqual(stored.map((record) => record['t']));
  await page.screenshot({ path: join(SCREENSHOT_DIR, '2-history.png') });
}, 30_000);

test('a group turn with two members: each @-mention is answered in the group', async () => {
  await page.getByTestId('conversation-group-dev').click();
  for (const member of ['zhangsan', 'lisi']) {
    await page.getByTestId('member-select').selectOption(member);
    await page.getByTestId('conversation-group-dev').click();
    const before = await robotTurns().count();
    await page.getByTestId('composer-input').fill('');
    await page.getByTestId('composer-input').type('@');
    await page.getByTestId('mention-option-robot').click();
    await page.getByTestId('composer-input').press('End');
    await page.getByTestId('composer-input').type(`我是${member}`);
    await page.getByTestId('send-button').click();
    await until(async () => (await robotTurns().count()) > before, 30_000);
    await page.locator('[data-testid="card"][data-state="finalized"]').filter({ hasText: `我是${member}` }).waitFor({ timeout: 30_000 });
  }
  await page.screenshot({ path: join(SCREENSHOT_DIR, '3-group.png') });
}, 90_000);

test('reset answers as DingTalk shows it, and a wrong key gets the short error text', async () => {
  await page.getByTestId('member-select').selectOption('zhangsan');
  await page.getByTestId('conversation-dm-zhangsan').click();
  await page.getByTestId('reset-button').click();
  await page.getByTestId('messages').getByText('已开启新对话').waitFor({ timeout: 30_000 });
  await page.getByTestId('failure-select').selectOption('wrong-key');
  await send('这次会失败');
  await page.getByTestId('messages').getByText('模型服务拒绝了 API Key').waitFor({ timeout: 30_000 });
  await page.screenshot({ path: join(SCREENSHOT_DIR, '4-reset-and-error.png') });
  await page.getByTestId('failure-select').selectOption('none');
}, 60_000);

async function readStored(key: string): Promise<Array<Record<string, unknown>>> {
  const response = await fetch(`${server.playgroundUrl}/api/history?conversationId=dm-zhangsan&memberId=zhangsan`);
  const view = (await response.json()) as { key: string; records: Array<Record<string, unknown>> };
  expect(view.key).toBe(key);
  return view.records;
}

/** Waits until `condition` holds, or fails the test after `timeoutMs`; checks every 100 ms. */
async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
