import { randomInt } from 'node:crypto';
import { checkSoak } from './checker';
import { historyKeyOf, callbackBody, drive } from './driver';
import { createFaultBook } from './fault-book';
import { readHistories } from './histories';
import { planSoak } from './plan';
import { writeSoakReport } from './report';
import { HISTORY_PREFIX, startSoakStack } from './soak-stack';

/**
 * `npm run soak` (after `npm run build`, which the script runs first): a bounded fault soak of the built bundles on
 * the local stack. SOAK_SEED (default 1) and SOAK_MESSAGES (default 1000) vary the run; SOAK_SEED=random picks one
 * and prints it. Exits non-zero when a check fails. Not part of `npm test`.
 */
const HARD_TIMEOUT_MS = Number(process.env['SOAK_TIMEOUT_SECONDS'] ?? 900) * 1000;
const CONCURRENCY = 8;

async function main(): Promise<number> {
  const started = Date.now();
  // The last resort of the bound: whatever hangs (a stack that will not close), the soak ends.
  setTimeout(() => {
    console.error('soak: hard timeout, giving up');
    process.exit(3);
  }, HARD_TIMEOUT_MS + 120_000).unref();
  const seedSetting = process.env['SOAK_SEED'] ?? '1';
  const seed = seedSetting === 'random' ? randomInt(1, 2 ** 31) : Number(seedSetting);
  const count = Number(process.env['SOAK_MESSAGES'] ?? 1000);
  if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(count) || count < 1) throw new Error('SOAK_SEED and SOAK_MESSAGES must be whole numbers');
  const command = `SOAK_SEED=${seed} SOAK_MESSAGES=${count} npm run soak`;
  console.error(`soak: ${command}`);
  const messages = planSoak({ seed, messages: count, senders: 50, groups: 5, faultRate: 0.4, maxSlowWebhooks: 3 });
  const book = createFaultBook(messages);
  const soak = await startSoakStack(messages, book);
  const deadline = started + HARD_TIMEOUT_MS;
  const { progress, done } = await drive(soak, messages, book, { concurrency: CONCURRENCY, deadline });
  const ticker = setInterval(() => {
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    console.error(`soak: ${seconds} s, ${progress.settled}/${count} settled, ${soak.inFlight.count()} in flight, ${soak.records.kills.length} kills, ${soak.records.deliveries.length} replies`);
  }, 5000);
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, HARD_TIMEOUT_MS + 60_000))]);
  clearInterval(ticker);
  const keyed = messages.map((message) => ({ msgId: message.msgId, tag: message.tag, historyKey: historyKeyOf(callbackBody(message, 'http://x/', started)) }));
  const histories = await readHistories(soak, [...soak.records.writtenKeys, ...keyed.map((message) => message.historyKey)]);
  const verdict = checkSoak({
    messages: keyed,
    ...soak.records,
    histories,
    historyPrefix: HISTORY_PREFIX,
    unsettled: progress.unsettled,
    callbackFailures: progress.callbackFailures,
  });
  const kills = { issued: soak.records.kills.length, missed: soak.records.kills.filter((kill) => kill.instances === 0).length };
  const faultOf = (tag: string) => messages[Number(tag.slice(2, -1))]?.fault?.kind;
  writeSoakReport({ command, seed, faults: book.summary(), kills, faultOf, verdict, seconds: (Date.now() - started) / 1000, logFile: soak.logFile });
  await soak.close();
  return verdict.failures.length === 0 ? 0 : 1;
}

main().then(
  // The stack's keep-alive agents may hold idle sockets; the report is out, so exit.
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
