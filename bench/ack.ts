import { createHmac, randomUUID } from 'node:crypto';
import { divertStdout, loadBundle } from './in-process';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { buildTextCallback, signedHeaders } from '../local/dingtalk-callback';
import { startLocalStack } from '../local/stack';
import { startOssServer } from '../local/oss/oss-server';
import type { FcContext } from '../shared/fc/context';
import { createFcHttpEvent, fcContext } from '../test/helpers/builders';
import { againstFloor, benchRoot, elapsedMs, percentile, round, type Figure } from './figures';
import { CONCURRENCY, listen, load, post, type LoadRequest } from './http-load';

/**
 * Acknowledgement: the built callback bundle in process (10,000 calls, each interleaved with one floor step so both
 * share the machine's noise), then the local stack over HTTP with concurrent clients, against a trivial server.
 */
export const ACK_P50 = 'callback handler p50';
const SECRET = 'bench-app-secret-0123456789';
const CALLS = 10_000;
const WARMUP = 1_000;
const HTTP_REQUESTS = 3_000;
type Handler = (event: Buffer, context: FcContext) => Promise<{ statusCode: number }>;
const TEXT = '帮我总结一下今天的会议要点';
const WEBHOOK = 'https://oapi.dingtalk.com/robot/sendBySession?session=bench';

export async function measureAck(): Promise<Figure[]> {
  const body = JSON.stringify(buildTextCallback({ text: TEXT, sessionWebhook: WEBHOOK, robotCode: 'bench-app-key' }));
  const headers = signedHeaders(SECRET);
  // FC's async InvokeFunction answer; the callback's invoker needs only the 202 (the request id feeds its log line).
  const fc = await listen(202, { 'x-fc-request-id': '1-bench-0', 'content-length': '0' }, '');
  // The callback records each signature in OSS: the local OSS server, in memory, as the FC role's STS credential.
  const oss = await startOssServer({ buckets: ['bench-signatures'], credentials: [fcContext.credentials] });
  const ossEnv = { OSS_BUCKET: 'bench-signatures', OSS_REGION: 'cn-local', OSS_ENDPOINT: oss.url, OSS_INTERNAL: 'false' };
  // The bundle reads its config once, at load; the environment is restored right after, for the other parts.
  const env = { DINGTALK_APP_KEY: 'bench-app-key', DINGTALK_APP_SECRET: SECRET, WORKER_INVOKE_ENDPOINT: fc.url.origin, LOG_LEVEL: 'info', ...ossEnv };
  const { handler } = loadBundle<{ handler: Handler }>(join(benchRoot(), 'dist', 'callback', 'index.js'), env).exports;
  // Each call is an ordinary turn: its own (timestamp, sign) pair, seen for the first time (one OSS append).
  const signedAt = Date.now();
  const events = Array.from({ length: WARMUP + CALLS }, (_, call) => createFcHttpEvent({ body, headers: signedHeaders(SECRET, signedAt - call) }));
  // The floor POSTs as many bytes as the handler's worker payload, on a keep-alive agent like the invoker's.
  const payload = Buffer.from(JSON.stringify({ deliveryId: randomUUID(), receivedAt: Date.now(), message: JSON.parse(body) }));
  const record = Buffer.from(`${JSON.stringify({ msgId: 'msg0123456789abcdef', digest: 'x'.repeat(32), at: Date.now() })}\n`);
  const agent = new Agent({ keepAlive: true });
  const handlerMs: number[] = [];
  const floorMs: number[] = [];
  // Each accepted callback logs a line; it goes to /dev/null (a write per line, as to FC's log pipe), not the table.
  const stdout = divertStdout();
  try {
    for (let call = 0; call < WARMUP + CALLS; call += 1) {
      let start = process.hrtime.bigint();
      const response = await handler(events[call] as Buffer, fcContext);
      if (response.statusCode !== 200) throw new Error(`callback answered ${response.statusCode}`);
      if (call >= WARMUP) handlerMs.push(elapsedMs(start));
      start = process.hrtime.bigint();
      createHmac('sha256', SECRET).update(`${headers['timestamp']}\n${SECRET}`).digest('base64');
      JSON.parse(body);
      if ((await post(agent, fc.url, record)) !== 202) throw new Error('the canned endpoint did not answer 202');
      if ((await post(agent, fc.url, payload)) !== 202) throw new Error('the invoke endpoint did not answer 202');
      if (call >= WARMUP) floorMs.push(elapsedMs(start));
    }
  } finally {
    stdout.restore();
    agent.destroy();
    await Promise.all([fc.close(), oss.close()]);
  }
  const floorWhat = 'HMAC-SHA256 + JSON.parse of the body + two keep-alive HTTP POSTs (a signature record, the payload) to a canned endpoint';
  const note = `${CALLS} sequential in-process calls after ${WARMUP} warm-up, each followed by one floor step; log lines to /dev/null`;
  const p99 = againstFloor({ group: 'acknowledgement', name: 'callback handler p99', value: round(percentile(handlerMs, 99), 3), unit: 'ms', note }, { value: percentile(floorMs, 99), what: `${floorWhat}, p99` });
  return [
    againstFloor({ group: 'acknowledgement', name: ACK_P50, value: round(percentile(handlerMs, 50), 3), unit: 'ms', note }, { value: percentile(floorMs, 50), what: `${floorWhat}, p50` }),
    { ...p99, budget: { rule: 'p99 ≤ 5× floor', pass: (p99.ratio ?? Infinity) <= 5 } },
    ...(await measureOverHttp()),
  ];
}

/** The local stack (built bundles, callback instances as child processes) with worker invocations discarded. */
async function measureOverHttp(): Promise<Figure[]> {
  const env = { PATH: process.env['PATH'] ?? '', DINGTALK_APP_KEY: 'bench-app-key', DINGTALK_APP_SECRET: SECRET, LOG_LEVEL: 'info' };
  const stack = await startLocalStack({ rootDir: benchRoot(), env, port: 0, worker: { discardAsync: true }, onOutput: () => undefined });
  const trivial = await listen(200, { 'content-type': 'application/json; charset=utf-8' }, '{}');
  try {
    const url = new URL(`${stack.url}/`);
    // Every request a new message under its own pair, as from DingTalk: each is recorded once and queued once.
    const signedAt = Date.now();
    let sent = 0;
    const next = (): LoadRequest => {
      sent += 1;
      const message = buildTextCallback({ text: TEXT, sessionWebhook: WEBHOOK, robotCode: 'bench-app-key', msgId: `msgbench${sent}`, now: signedAt });
      return { body: Buffer.from(JSON.stringify(message)), headers: signedHeaders(SECRET, signedAt - sent) };
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
