import { createCardGate } from '../shared/cards/card-gate';
import { startCardStream } from '../shared/cards/card-stream';
import type { ChannelTurn } from '../shared/channels/channel';
import { createAccessTokenProvider } from '../shared/channels/dingtalk/access-token';
import { createCardClient } from '../shared/channels/dingtalk/card-client';
import { createDingTalkChannel } from '../shared/channels/dingtalk/dingtalk-channel';
import { createDingTalkHttp } from '../shared/channels/dingtalk/dingtalk-http';
import { createMessageFiles } from '../shared/channels/dingtalk/message-files';
import { createReplier } from '../shared/channels/dingtalk/replier';
import { parseWebhookHosts } from '../shared/channels/dingtalk/webhook-hosts';
import { cardCadence, estimatedCardCalls, type CardPacing } from '../shared/controls/budget/card-cadence';
import { CARD_STEPS, type CardStep } from '../shared/controls/budget/card-step';
import { silentLogger } from '../shared/logging/logger';
import { createDingTalkMessage } from '../test/helpers/builders';
import { STAND_IN_APP_KEY, STAND_IN_CARD_CONTENT_KEY, STAND_IN_CARD_TEMPLATE_ID, startDingTalkStandIn } from '../local/dingtalk/dingtalk-stand-in';

/**
 * `npm run build && node dist/bench/card-budget.js`: the metered DingTalk calls one 1,000-character answer costs at
 * each card step (docs/controls.md §3), counted by the channel's own per-turn meter while the answer streams in
 * real time through the real card stream and card client to the fake DingTalk server. The token is fetched before
 * the runs, so the counts are the card's (or, at 'markdown', the reply's) alone. Model speeds per 100 ms chunk: 10
 * characters (a slow model), 30 (a typical one) and 100 (a fast one); the throttle is the default (1,000 ms,
 * 50 characters). One more row per speed shows pacing: 30 turns admitted in the last 30 s, tenant QPS 20.
 */
const BASE = { minIntervalMs: 1000, minGrowthChars: 50 };
const ANSWER_CHARS = 1000;
const CHUNK_MS = 100;
const SPEEDS = [10, 30, 100] as const;

const answer = Array.from({ length: 20 }, (_, n) => `第${n + 1}段：${'流式输出的内容'.repeat(13)}。`).join('\n\n').slice(0, ANSWER_CHARS);

interface Run {
  step: CardStep;
  label: string;
  charsPerChunk: number;
  calls: number;
  estimate: number;
}

async function main(): Promise<void> {
  const fake = await startDingTalkStandIn();
  const http = createDingTalkHttp({ timeoutMs: 5000 });
  const tokens = createAccessTokenProvider({ http, apiBase: fake.url, appKey: fake.appKey, appSecret: fake.appSecret });
  const api = { http, apiBase: fake.url, tokens, appKey: fake.appKey };
  const channel = createDingTalkChannel({
    replier: createReplier({ ...api, webhookHosts: parseWebhookHosts([new URL(fake.url).host]), logger: silentLogger }),
    cards: {
      client: createCardClient({ ...api, templateId: STAND_IN_CARD_TEMPLATE_ID, contentKey: STAND_IN_CARD_CONTENT_KEY }),
      gate: createCardGate({ now: Date.now, cooldownMs: 60_000 }),
    },
    files: createMessageFiles({ ...api, maxBytes: 1024 * 1024 }),
  });
  const runs: Run[] = [];
  // Fetched now, so that no run's count includes it (a warm instance has one for about two hours).
  await tokens.get();
  const webhook = { sessionWebhook: fake.webhookUrl('bench'), sessionWebhookExpiredTime: Date.now() + 3_600_000 };
  try {
    for (const charsPerChunk of SPEEDS) {
      for (const step of CARD_STEPS) runs.push(await measure(channel, webhook, step, step, charsPerChunk, quiet()));
      const busy = { recentTurns: Array.from({ length: 30 }, (_, n) => Date.now() - n * 900), qps: 20, now: Date.now() };
      runs.push(await measure(channel, webhook, 'normal', 'normal, paced (30 turns/30 s)', charsPerChunk, busy));
    }
  } finally {
    await fake.close();
  }
  printTable(runs);
}

const quiet = (): CardPacing => ({ recentTurns: [Date.now()], qps: 20, now: Date.now() });

async function measure(
  channel: ReturnType<typeof createDingTalkChannel>,
  webhook: { sessionWebhook: string; sessionWebhookExpiredTime: number },
  step: CardStep,
  label: string,
  charsPerChunk: number,
  pacing: CardPacing,
): Promise<Run> {
  const turn: ChannelTurn = channel.open(createDingTalkMessage({ msgId: `bench-${label}-${charsPerChunk}`, robotCode: STAND_IN_APP_KEY, ...webhook }));
  const cadence = cardCadence(step, BASE, pacing);
  const estimate = estimatedCardCalls(step, cadence, { chars: ANSWER_CHARS, charsPerSecond: (charsPerChunk * 1000) / CHUNK_MS });
  if (cadence.mode === 'none') {
    await turn.reply(answer);
    return { step, label, charsPerChunk, calls: turn.apiCalls?.() ?? 0, estimate };
  }
  if (!turn.cards) throw new Error('the bench message gets no cards');
  const stream = startCardStream({
    cards: turn.cards,
    outTrackIdBase: `bench-${label}-${charsPerChunk}`.replace(/[^a-z0-9-]/gi, ''),
    resume: false,
    ...cadence,
    maxCardChars: 3000,
    placeholder: '思考中…',
    fallbackNote: '卡片出错了',
    logger: silentLogger,
    now: Date.now,
  });
  if (!(await stream.open())) throw new Error('the card could not be created');
  for (let at = charsPerChunk; at < answer.length + charsPerChunk; at += charsPerChunk) {
    await new Promise((resolve) => setTimeout(resolve, CHUNK_MS));
    stream.update(answer.slice(0, at));
  }
  const result = await stream.finish(answer);
  if (!result.delivered) throw new Error(`the card was not delivered: ${String(result.error)}`);
  return { step, label, charsPerChunk, calls: turn.apiCalls?.() ?? 0, estimate };
}

function printTable(runs: readonly Run[]): void {
  const header = ['step', 'model speed', 'calls per 1,000 chars', 'estimatedCardCalls'];
  const rows = runs.map((run) => [run.label, `${run.charsPerChunk} chars / ${CHUNK_MS} ms`, String(run.calls), String(run.estimate)]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, column) => (column < 2 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (column < 2 ? `:${'-'.repeat(width + 1)}` : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  console.log([line(header), rule, ...rows.map(line)].join('\n'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
