import { createHmac } from 'node:crypto';
import { Agent } from 'node:http';
import { buildTextCallback, signedHeaders } from '../local/dingtalk-callback';
import { startLocalStack } from '../local/stack';
import type { FcContext } from '../shared/fc/context';
import { callbackBundlePath, callbackEnv, callbackEvent, CALLBACK_CONTEXT, CALLBACK_SECRET, CALLBACK_TEXT } from './callback-setup';
import { againstFloor, benchRoot, elapsedMs, percentile, round, type Figure } from './figures';
import { CONCURRENCY, listen, load, type LoadRequest } from './http-load';
import { divertStdout, loadBundle } from './in-process';
import { checkReplay, prepareReplay, sendReplay, type OssTwin } from './replay';
import type { StandIns } from './stand-ins/client';
import { BUCKETS, STS } from './stand-ins/protocol';

/**
 * Acknowledgement: the built callback bundle in the bench process as FC loads it, against the stand-ins in their own
 * process (the local OSS server for the signature records, a canned 202 for FC's InvokeFunction). Each call is
 * followed by its floor: the handler's own requests replayed with plain node:http keep-alive (the signature-record
 * append into a twin bucket, re-signed beforehand; the same InvokeFunction POST), plus the HMAC-SHA256 and the
 * JSON.parse of the body that any handler must do. Then the local stack over HTTP with concurrent clients.
 */
export const ACK_P50 = 'callback handler p50';
const CALLS = 5_000;
const WARMUP = 500;
const HTTP_REQUESTS = 3_000;
const WEBHOOK = 'https://oapi.dingtalk.com/robot/sendBySession?session=bench';
const SIGNATURES_TWIN: OssTwin = { from: BUCKETS.signatures, to: BUCKETS.signaturesTwin, credential: STS };
type Handler = (event: Buffer, context: FcContext) => Promise<{ statusCode: number }>;

export async function measureAck(standIns: StandIns): Promise<Figure[]> {
  // The bundle reads its config once, at load; the environment is restored right after, for the other parts.
  const { handler } = loadBundle<{ handler: Handler }>(callbackBundlePath(), callbackEnv(standIns.urls)).exports;
  const signedAt = Date.now();
  const agent = new Agent({ keepAlive: true });
  const handlerMs: number[] = [];
  const floorMs: number[] = [];
  let requests = 0;
  // Each accepted callback logs a line; it goes to /dev/null (a write per line, as to FC's log pipe), not the table.
  const stdout = divertStdout();
  try {
    for (let call = 0; call < WARMUP + CALLS; call += 1) {
      const { event, body, timestamp } = callbackEvent(call, signedAt);
      const since = await standIns.call({ type: 'logLength' });
      let start = process.hrtime.bigint();
      const response = await handler(event, CALLBACK_CONTEXT);
      const elapsed = elapsedMs(start);
      if (response.statusCode !== 200) throw new Error(`callback answered ${response.statusCode}`);
      const replay = prepareReplay(await standIns.call({ type: 'log', since }), standIns.urls, SIGNATURES_TWIN);
      start = process.hrtime.bigint();
      createHmac('sha256', CALLBACK_SECRET).update(`${timestamp}\n${CALLBACK_SECRET}`).digest('base64');
      JSON.parse(body);
      const statuses = await sendReplay(agent, replay);
      const floorElapsed = elapsedMs(start);
      checkReplay(replay, statuses);
      if (call < WARMUP) continue;
      handlerMs.push(elapsed);
      floorMs.push(floorElapsed);
      requests += replay.length;
    }
  } finally {
    stdout.restore();
    agent.destroy();
  }
  const perCall = round(requests / CALLS, 2);
  const floorWhat =
    `HMAC-SHA256 + JSON.parse of the body + the call's own ${perCall} requests (signature-record append into a twin ` +
    `bucket, re-signed beforehand; the InvokeFunction POST) replayed with node:http keep-alive to the same stand-ins`;
  const note =
    `${CALLS} sequential calls after ${WARMUP} warm-up, the built callback in the bench process, stand-ins in their own ` +
    `process over loopback; each call followed by its floor; log lines to /dev/null`;
  const p50 = againstFloor({ group: 'acknowledgement', name: ACK_P50, value: round(percentile(handlerMs, 50), 3), unit: 'ms', note }, { value: percentile(floorMs, 50), what: `${floorWhat}, p50` });
  const p99 = againstFloor({ group: 'acknowledgement', name: 'callback handler p99', value: round(percentile(handlerMs, 99), 3), unit: 'ms', note }, { value: percentile(floorMs, 99), what: `${floorWhat}, p99` });
  return [p50, { ...p99, budget: { rule: 'p99 ≤ 3× floor p99', pass: (p99.ratio ?? Infinity) <= 3 } }, ...(await measureOverHttp())];
}

/** The local stack (built bundles, callback instances as child processes) with worker invocations discarded. */
async function measureOverHttp(): Promise<Figure[]> {
  const env = { PATH: process.env['PATH'] ?? '', DINGTALK_APP_KEY: 'bench-app-key', DINGTALK_APP_SECRET: CALLBACK_SECRET, LOG_LEVEL: 'info' };
  const stack = await startLocalStack({ rootDir: benchRoot(), env, port: 0, worker: { discardAsync: true }, onOutput: () => undefined });
  const trivial = await listen(200, { 'content-type': 'application/json; charset=utf-8' }, '{}');
  try {
    const url = new URL(`${stack.url}/`);
    // Every request a new message under its own pair, as from DingTalk: each is recorded once and queued once.
    const signedAt = Date.now();
    let sent = 0;
    const next = (): LoadRequest => {
      sent += 1;
      const message = buildTextCallback({ text: CALLBACK_TEXT, sessionWebhook: WEBHOOK, robotCode: 'bench-app-key', msgId: `msgbench${sent}`, now: signedAt });
      return { body: Buffer.from(JSON.stringify(message)), headers: signedHeaders(CALLBACK_SECRET, signedAt - sent) };
    };
    await load(url, next, 300); // warm-up: starts the callback instances (up to 10, FC-like)
    const local = await load(url, next, HTTP_REQUESTS);
    if (stack.asyncAccepted() !== 300 + HTTP_REQUESTS) throw new Error(`${stack.asyncAccepted()} worker invocations queued`);
    await load(trivial.url, next, 300);
    const floor = await load(trivial.url, next, HTTP_REQUESTS);
    const note = `${HTTP_REQUESTS} signed callbacks from ${CONCURRENCY} concurrent keep-alive clients after 300 warm-up; worker invocations accepted (202) and discarded`;
    const what = `a trivial node:http server answering {} to the same requests`;
    return [
      againstFloor({ group: 'acknowledgement', name: 'local server throughput', value: local.rps, unit: 'req/s', note: `${note}; ratio below 1 = share of the floor's throughput` }, { value: floor.rps, what }),
      againstFloor({ group: 'acknowledgement', name: 'local server p99', value: local.p99, unit: 'ms', note }, { value: floor.p99, what }),
    ];
  } finally {
    await Promise.all([stack.close(), trivial.close()]);
  }
}
